// Records what a transport decrypted: RTP continuity per SSRC and SRTCP sender reports.
export class MediaLog {
  rtpPackets = 0;
  rtcpPackets = 0;
  senderReports = 0;
  seqGaps = 0;
  reordered = 0;
  opusNonEmpty = 0;
  readonly payloadTypes = new Set<number>();
  readonly ssrcs = new Set<number>();
  readonly srSsrcs = new Set<number>();
  readonly #lastSeq = new Map<number, number>();

  rtp(buf: Buffer, len: number): void {
    this.rtpPackets++;
    const pt = buf[1] & 0x7f;
    const seq = buf.readUInt16BE(2);
    const ssrc = buf.readUInt32BE(8);
    this.payloadTypes.add(pt);
    this.ssrcs.add(ssrc);
    const cc = buf[0] & 0x0f;
    let hdr = 12 + cc * 4;
    if (buf[0] & 0x10) hdr += 4 + buf.readUInt16BE(hdr + 2) * 4;
    if (len - hdr > 3) this.opusNonEmpty++;
    const last = this.#lastSeq.get(ssrc);
    if (last !== undefined) {
      const d = (seq - last) & 0xffff;
      if (d === 0 || d > 0x8000) this.reordered++;
      else if (d > 1) this.seqGaps += d - 1;
    }
    if (last === undefined || ((seq - last) & 0xffff) < 0x8000) this.#lastSeq.set(ssrc, seq);
  }

  rtcp(buf: Buffer, len: number): void {
    this.rtcpPackets++;
    // Walk the compound packet; count SRs (PT 200).
    let off = 0;
    while (off + 4 <= len) {
      const pt = buf[off + 1];
      const words = buf.readUInt16BE(off + 2);
      if (pt === 200 && off + 8 <= len) {
        this.senderReports++;
        this.srSsrcs.add(buf.readUInt32BE(off + 4));
      }
      off += (words + 1) * 4;
    }
  }

  async waitFor(cond: () => boolean, ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out: ${JSON.stringify({ rtp: this.rtpPackets, rtcp: this.rtcpPackets, sr: this.senderReports })}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
