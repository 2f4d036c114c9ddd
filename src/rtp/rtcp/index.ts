// RTCP views (readers over a caller's buffer) and builders (write into a caller's buffer).
export { RtcpType, RtpfbFmt, PsfbFmt, RtcpCompoundView, rtcpContentLength, writeRtcpHeader } from './rtcp-header.js';
export {
  REPORT_BLOCK_LENGTH, rbSsrc, rbFractionLost, rbCumulativeLost, rbHighestSeq, rbJitter, rbLsr, rbDlsr,
  writeReportBlock, readReportBlock,
} from './report-block.js';
export type { ReportBlockInit } from './report-block.js';
export { ReportView, writeSenderReport, writeReceiverReport } from './sender-report.js';
export type { SenderReportInit } from './sender-report.js';
export { SdesView, SdesItem, sdesCname, writeSdes } from './sdes.js';
export type { SdesChunkInit } from './sdes.js';
export { ByeView, writeBye } from './bye.js';
export { AppView, writeApp } from './app.js';
export { feedbackContentLength } from './feedback-header.js';
export { NackView, writeNack } from './nack.js';
export { PliView, FirView, writePli, writeFir } from './pli-fir.js';
export type { FirEntryInit } from './pli-fir.js';
export { RembView, isRemb, writeRemb } from './remb.js';
export { XrView, XrBlockType, writeXr } from './xr.js';
export type { XrInit, DlrrInit } from './xr.js';
export { TwccFeedbackView, TwccSymbol, TWCC_DELTA_US, TWCC_REFERENCE_US } from './twcc-feedback.js';
export type { TwccPacketFn } from './twcc-feedback.js';
export { writeTwccFeedback } from './twcc-writer.js';
export type { TwccFeedbackInit } from './twcc-writer.js';
export { RtcpCompoundWriter } from './compound-writer.js';
