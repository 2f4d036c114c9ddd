// Copy a byte range between two buffers without allocating. `dst.set(src.subarray(a, b))`
// and Node 20's `buf.copy(dst, t, a, b)` each make a ~96-byte view object per call when
// the range is not the whole source; on a per-packet path that is garbage per packet.
// Here: a whole-source copy goes through TypedArray.set (native memcpy, no view); a
// partial one through DataViews cached per ArrayBuffer (made once per buffer, so zero
// allocation while the caller keeps using the same receive/send slabs).

const EMPTY = new ArrayBuffer(0);

export class ByteCopier {
  #srcBuf: ArrayBufferLike = EMPTY;
  #srcDv: DataView<ArrayBufferLike> = new DataView(EMPTY);
  #dstBuf: ArrayBufferLike = EMPTY;
  #dstDv: DataView<ArrayBufferLike> = new DataView(EMPTY);

  /** Copy src[so, so+n) to dst[dOff, dOff+n). The caller has checked both ranges. */
  copy(src: Uint8Array, so: number, dst: Uint8Array, dOff: number, n: number): void {
    if (n <= 0) return;
    if (so === 0 && n === src.length) { dst.set(src, dOff); return; }
    if (src.buffer === dst.buffer) { // same memory: copyWithin is memmove
      const from = so + src.byteOffset - dst.byteOffset;
      if (from >= 0 && from + n <= dst.length) { dst.copyWithin(dOff, from, from + n); return; }
    }
    if (n < 16) { for (let i = 0; i < n; i++) dst[dOff + i] = src[so + i]; return; }
    if (src.buffer !== this.#srcBuf) { this.#srcBuf = src.buffer; this.#srcDv = new DataView(src.buffer); }
    if (dst.buffer !== this.#dstBuf) { this.#dstBuf = dst.buffer; this.#dstDv = new DataView(dst.buffer); }
    const s = this.#srcDv, d = this.#dstDv;
    const a = src.byteOffset + so, b = dst.byteOffset + dOff;
    if (src.buffer === dst.buffer && b > a && b < a + n) { // overlapping, moving up: copy from the end
      for (let i = n - 1; i >= 0; i--) d.setUint8(b + i, s.getUint8(a + i));
      return;
    }
    dvCopy(s, a, d, b, n);
  }
}

/** One per worker thread is enough (single-threaded use). */
export const byteCopier = new ByteCopier();

/** 32-bit little-endian moves (no byte swap), then the tail bytes. */
function dvCopy(s: DataView, a: number, d: DataView, b: number, n: number): void {
  const end4 = a + (n & ~3), end = a + n;
  for (; a < end4; a += 4, b += 4) d.setInt32(b, s.getInt32(a, true), true);
  for (; a < end; a++, b++) d.setUint8(b, s.getUint8(a));
}
