// A transport stand-in for sfu tests: records every RTP/RTCP packet "sent" as a copy.
export class FakeTransport {
  rtp: Buffer[] = [];
  rtcp: Buffer[] = [];
  refuse = false;
  sendRtp(buf: Buffer, off: number, len: number): boolean {
    if (this.refuse) return false;
    this.rtp.push(Buffer.from(buf.subarray(off, off + len)));
    return true;
  }
  sendRtcp(buf: Buffer, off: number, len: number): boolean {
    if (this.refuse) return false;
    this.rtcp.push(Buffer.from(buf.subarray(off, off + len)));
    return true;
  }
}
