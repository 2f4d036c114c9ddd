// Typed errors for API edges (slow paths). Hot-path code returns RtpStatus codes instead.
import { rtpStatusName } from './status.js';

export class RtpError extends Error {
  /** Stable machine-readable code, e.g. 'RTP_TOO_SHORT'. */
  readonly code: string;
  /** The RtpStatus value behind this error. */
  readonly status: number;
  constructor(status: number, message?: string) {
    const name = rtpStatusName(status);
    super(message ?? `rtp: ${name.toLowerCase().replace(/_/g, ' ')}`);
    this.name = 'RtpError';
    this.status = status < 0 ? -status : status;
    this.code = `RTP_${name}`;
  }
}

export class RtcpError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(status: number, message?: string) {
    const name = rtpStatusName(status);
    super(message ?? `rtcp: ${name.toLowerCase().replace(/_/g, ' ')}`);
    this.name = 'RtcpError';
    this.status = status < 0 ? -status : status;
    this.code = `RTCP_${name}`;
  }
}

/** Throw an RtpError when a builder/parser result is an error (use at API edges only). */
export function checkRtp(result: number): number {
  if (result < 0) throw new RtpError(-result);
  return result;
}
