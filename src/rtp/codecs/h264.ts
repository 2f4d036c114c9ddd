// H.264 key frame detection over the RTP payload (RFC 6184): a packet belongs to a key
// frame when it carries an IDR slice (type 5) or an SPS (type 7), alone, inside a STAP-A
// (24), or as the first fragment of an FU-A (28).
export const H264Nal = { IDR: 5, SPS: 7, PPS: 8, STAP_A: 24, FU_A: 28 } as const;

export function h264IsKeyframe(buf: Uint8Array, off: number, len: number): boolean {
  if (len < 1) return false;
  const t = buf[off] & 0x1f;
  if (t === H264Nal.IDR || t === H264Nal.SPS) return true;
  if (t === H264Nal.STAP_A) {
    let p = off + 1;
    const end = off + len;
    while (p + 2 < end) {
      const n = (buf[p] << 8) | buf[p + 1];
      p += 2;
      if (n === 0 || p + n > end) return false;
      const nt = buf[p] & 0x1f;
      if (nt === H264Nal.IDR || nt === H264Nal.SPS) return true;
      p += n;
    }
    return false;
  }
  if (t === H264Nal.FU_A) {
    if (len < 2) return false;
    const fu = buf[off + 1];
    const nt = fu & 0x1f;
    return (fu & 0x80) !== 0 && (nt === H264Nal.IDR || nt === H264Nal.SPS);
  }
  return false;
}
