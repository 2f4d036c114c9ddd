// Captures: streaming pcap + pcapng readers and writers, and finding / building UDP and
// TCP in frames (Ethernet, raw IP, Linux SLL / SLL2; IPv4 and IPv6). See capture-reader.ts
// for the read loop and capture-writer.ts for the writer contract; media-demux.ts for
// datagrams over UDP, RFC 4571 TCP and TURN (UDP / TCP) as the `npm run pcap` tools see them.
//
//   const w = new PcapngFileWriter('out.pcapng', { interfaces: [{ linkType: LinkType.ETHERNET, tsResolution: 'ns' }] });
//   w.writeUdp(tsUs, srcIp, srcPort, dstIp, dstPort, payload, off, len);  // IPv4
//   w.writeUdpFlow(tsUs, flow, payload, off, len, ifId);                  // IPv4/IPv6
//   w.writeFrameNs(sec, ns, frame, off, len, ifId);                       // as-is
//   w.close();
//
//   const r = CaptureReader.openFile('in.pcapng'); const loc = new UdpLocation();
//   for (let s; (s = r.next()) !== PcapStatus.END;) {
//     if (s !== PcapStatus.OK) throw r.error(s);
//     if (locateUdp(r.buf, r.dataOffset, r.capturedLength, r.linkType, loc) === PcapStatus.OK) use(r.buf, loc.payloadOffset, loc.payloadLength, r.tsUs);
//   }
//   r.close();
export { PcapStatus, PcapError, pcapStatusName } from './status.js';
export type { PcapStatusCode, PcapErrorCode } from './status.js';
export { LinkType, SUPPORTED_LINK_TYPES, linkHeaderLength, ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from './link-type.js';
export { ETHERNET_HEADER, IPV4_HEADER, UDP_HEADER, ipv4ToU32, u32ToIpv4, writeIpv4Udp, writeEthernetIpv4 } from './ipv4-udp.js';
export { ipv6ToBytes, bytesToIpv6 } from './ipv6.js';
export { UdpFlow, UdpLocation, locateUdp } from './udp-locator.js';
export { writeUdpFrame, udpFrameOverhead, setUdpPayloadLength } from './udp-frame.js';
export { Timestamp, unitsToTimestamp, timestampToUnits } from './timestamp.js';
export { CaptureWriter } from './capture-writer.js';
export type { PcapSink, ByteSink } from './capture-writer.js';
export { FileSink } from './file-sink.js';
export { PcapWriter, PcapFileWriter, PCAP_MAGIC_US, PCAP_MAGIC_NS, PCAP_GLOBAL_HEADER, PCAP_RECORD_HEADER } from './pcap-writer.js';
export type { PcapWriterOptions } from './pcap-writer.js';
export { PcapngWriter, PcapngFileWriter, PCAPNG_SHB, PCAPNG_IDB, PCAPNG_SPB, PCAPNG_EPB, PCAPNG_BYTE_ORDER_MAGIC } from './pcapng-writer.js';
export type { PcapngWriterOptions, PcapngInterfaceOptions } from './pcapng-writer.js';
export { CaptureReader } from './capture-reader.js';
export type { CaptureReaderOptions, CaptureInterface } from './capture-reader.js';
export { fdSource, bufferSource, readCaptureStream } from './byte-source.js';
export type { ByteSource } from './byte-source.js';
export { PcapReader } from './pcap-reader.js';
// Tools over captures (the `npm run pcap` commands); these import src/rtp and src/srtp.
export { classifyRtp, defaultClockRate, UdpKind } from './rtp-detect.js';
export { RtpStreamStats } from './rtp-stream-stats.js';
export { RtpCaptureInfo, UdpRtpFlow } from './rtp-capture-info.js';
export type { RtpInfoOptions, CaptureCounts } from './rtp-capture-info.js';
export { CaptureDecryptor, SDES_SUITES, parseSdesKey } from './srtp-decrypt.js';
export type { DecryptOptions, DecryptCounts } from './srtp-decrypt.js';
// TCP and TURN in captures: segments, reassembly, RFC 4571 / TURN-over-TCP deframing,
// TURN unwrapping, and MediaDemux which puts them together for the tools.
export { TcpLocation, locateTcp, writeTcpFrame, tcpFrameOverhead, TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK } from './tcp-segment.js';
export { TcpReassembler, TcpStream } from './tcp-reassembler.js';
export type { TcpReassemblerOptions, TcpCounts } from './tcp-reassembler.js';
export { StreamDeframer, Framing, FRAMING_NAMES, newDeframerCounts } from './stream-deframer.js';
export type { DeframerCounts } from './stream-deframer.js';
export { TurnMessage, TurnKind, parseTurn } from './turn-unwrap.js';
export { MediaDemux, MediaPacket, Carrier, CARRIER_NAMES, DemuxResult, endpoint } from './media-demux.js';
export type { DemuxCounts } from './media-demux.js';
export { locateIp } from './udp-locator.js';
