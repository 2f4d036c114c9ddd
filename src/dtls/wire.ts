// Bounds-checked reader and a small growable writer for handshake message bodies.
// The reader never throws: reading past the end sets `ok = false` and returns zeros,
// so a parser checks `r.ok` once at the end.

export class Reader {
  ok = true;
  constructor(readonly buf: Buffer, public off = 0, readonly end = buf.length) {}

  get remaining(): number { return this.end - this.off; }
  get done(): boolean { return this.off === this.end; }

  #take(n: number): boolean {
    if (!this.ok || n > this.end - this.off) { this.ok = false; return false; }
    return true;
  }
  u8(): number { if (!this.#take(1)) return 0; return this.buf[this.off++]; }
  u16(): number { if (!this.#take(2)) return 0; const v = this.buf.readUInt16BE(this.off); this.off += 2; return v; }
  u24(): number { if (!this.#take(3)) return 0; const v = this.buf.readUIntBE(this.off, 3); this.off += 3; return v; }
  u48(): number { if (!this.#take(6)) return 0; const v = this.buf.readUIntBE(this.off, 6); this.off += 6; return v; }
  bytes(n: number): Buffer {
    if (!this.#take(n)) return Buffer.alloc(0);
    const v = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return v;
  }
  vec8(): Buffer { return this.bytes(this.u8()); }
  vec16(): Buffer { return this.bytes(this.u16()); }
  vec24(): Buffer { return this.bytes(this.u24()); }
}

export class Writer {
  #buf = Buffer.alloc(256);
  #len = 0;
  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const b = Buffer.alloc(Math.max(this.#buf.length * 2, this.#len + n));
    this.#buf.copy(b, 0, 0, this.#len);
    this.#buf = b;
  }
  get length(): number { return this.#len; }
  u8(v: number): this { this.#reserve(1); this.#buf[this.#len++] = v; return this; }
  u16(v: number): this { this.#reserve(2); this.#buf.writeUInt16BE(v, this.#len); this.#len += 2; return this; }
  u24(v: number): this { this.#reserve(3); this.#buf.writeUIntBE(v, this.#len, 3); this.#len += 3; return this; }
  bytes(b: Uint8Array): this { this.#reserve(b.length); this.#buf.set(b, this.#len); this.#len += b.length; return this; }
  vec8(b: Uint8Array): this { return this.u8(b.length).bytes(b); }
  vec16(b: Uint8Array): this { return this.u16(b.length).bytes(b); }
  vec24(b: Uint8Array): this { return this.u24(b.length).bytes(b); }
  /** Write a 16-bit length placeholder; call the returned function after writing the body. */
  lengthPrefix16(): () => void {
    const at = this.#len;
    this.u16(0);
    return () => { this.#buf.writeUInt16BE(this.#len - at - 2, at); };
  }
  finish(): Buffer { return Buffer.from(this.#buf.subarray(0, this.#len)); }
}
