// AV1 key frame detection (AV1 RTP payload format, §4.4 aggregation header):
//   |Z|Y| W |N|-|-|-|   Z: first OBU element continues one from the previous packet,
//                       W: number of OBU elements (0 = each has a leb128 length),
//                       N: first packet of a new coded video sequence.
// A packet is a key frame start when N=1, or when it carries an OBU_SEQUENCE_HEADER (1).
export const AV1_OBU_SEQUENCE_HEADER = 1;

export function av1IsKeyframe(buf: Uint8Array, off: number, len: number): boolean {
  if (len < 2) return false;
  const agg = buf[off];
  if (agg & 0x08) return true;
  const w = (agg >> 4) & 3;
  const end = off + len;
  let p = off + 1;
  for (let i = 0; p < end && i < 64; i++) {
    let size: number;
    if (w !== 0 && i === w - 1) size = end - p; // last element has no length field
    else {
      size = 0;
      let shift = 0;
      for (let k = 0; ; k++) {
        if (k === 8 || p >= end) return false;
        const v = buf[p++];
        size += (v & 0x7f) * 2 ** shift;
        shift += 7;
        if ((v & 0x80) === 0) break;
      }
    }
    if (size === 0 || p + size > end) return false;
    const continuation = i === 0 && (agg & 0x80) !== 0;
    if (!continuation && ((buf[p] >> 3) & 0x0f) === AV1_OBU_SEQUENCE_HEADER) return true;
    p += size;
    if (w !== 0 && i === w - 1) break;
  }
  return false;
}
