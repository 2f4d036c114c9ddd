// Serial number arithmetic (RFC 1982) for 32-bit TSNs and 16-bit SSNs: TSNs wrap, so
// "a after b" is decided by the signed difference, never by a plain `>`.

export function tsnGt(a: number, b: number): boolean { return ((a - b) | 0) > 0; }
export function tsnGe(a: number, b: number): boolean { return ((a - b) | 0) >= 0; }
export function tsnLt(a: number, b: number): boolean { return ((a - b) | 0) < 0; }
export function tsnLe(a: number, b: number): boolean { return ((a - b) | 0) <= 0; }
/** a - b as a signed 32-bit distance. */
export function tsnDiff(a: number, b: number): number { return (a - b) | 0; }
export function tsnAdd(a: number, n: number): number { return (a + n) >>> 0; }

export function ssnGt(a: number, b: number): boolean { const d = (a - b) & 0xffff; return d !== 0 && d < 0x8000; }
export function ssnGe(a: number, b: number): boolean { return a === b || ssnGt(a, b); }
