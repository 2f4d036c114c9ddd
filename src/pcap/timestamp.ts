// pcapng timestamps are 64-bit counts of 10^-k or 2^-k seconds (if_tsresol, RFC draft
// pcapng §4.2), split into two 32-bit words. Seconds since 1970 in nanoseconds do not
// fit a double's 53 bits, so the conversions below work in 16/32-bit limbs and stay exact
// (for decimal resolutions up to 10^-9 and binary ones up to 2^-32) with no BigInt.

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/** Seconds + nanoseconds, the exact form; tsUs derived from it fits a double (until 2255). */
export class Timestamp {
  sec = 0;
  ns = 0;
  get us(): number { return this.sec * 1e6 + Math.floor(this.ns / 1000); }
}

/** 64-bit `hi:lo` count in units of `tsresol` (the if_tsresol byte) -> out.sec / out.ns. */
export function unitsToTimestamp(hi: number, lo: number, tsresol: number, out: Timestamp): void {
  if (tsresol & 0x80) {
    const k = tsresol & 0x7f;
    if (k === 0) { out.sec = hi * 4294967296 + lo; out.ns = 0; return; }
    if (k <= 32) {
      const frac = k === 32 ? lo : lo % 2 ** k;
      out.sec = hi * 2 ** (32 - k) + Math.floor(lo / 2 ** k);
      out.ns = Math.floor((frac * 1e9) / 2 ** k);
      return;
    }
    const t = hi * 4294967296 + lo; // beyond 2^-32: approximate
    out.sec = Math.floor(t / 2 ** k); out.ns = Math.floor(((t / 2 ** k) - out.sec) * 1e9);
    return;
  }
  const k = tsresol;
  if (k <= 9) {
    // sec ~ T / d in doubles (off by at most one), then the remainder exactly in 32-bit
    // arithmetic: r = T - sec*d ≡ lo - low32(sec)*d (mod 2^32), and |r| < 2d < 2^31.
    const d = POW10[k];
    let sec = Math.floor((hi * 4294967296 + lo) / d);
    const secLow = sec < 4294967296 ? sec >>> 0 : sec - Math.floor(sec / 4294967296) * 4294967296;
    let r = (lo - Math.imul(secLow, d)) | 0;
    if (r < 0) { sec--; r += d; } else if (r >= d) { sec++; r -= d; }
    out.sec = sec;
    out.ns = r * POW10[9 - k];
    return;
  }
  const t = (hi * 4294967296 + lo) / 10 ** k; // finer than ns: approximate
  out.sec = Math.floor(t); out.ns = Math.min(999_999_999, Math.floor((t - out.sec) * 1e9));
}

/** Result of timestampToUnits (module scratch: read it before the next call). */
export const units = { hi: 0, lo: 0 };

/** sec + ns -> 64-bit count of µs (nanos false) or ns (nanos true), into `units`. */
export function timestampToUnits(sec: number, ns: number, nanos: boolean): void {
  const perSec = nanos ? 1e9 : 1e6;
  const frac = nanos ? ns : Math.round(ns / 1000);
  const sh = Math.floor(sec / 65536), sl = sec - sh * 65536;
  const x = sl * perSec + frac;          // < 2^47
  const y = sh * perSec;                 // < 2^47 for sec < 2^32
  const yh = Math.floor(y / 65536), yl = y - yh * 65536;
  const z = yl * 65536 + x;              // < 2^48
  const zh = Math.floor(z / 4294967296);
  units.hi = (yh + zh) >>> 0;
  units.lo = z - zh * 4294967296;
}
