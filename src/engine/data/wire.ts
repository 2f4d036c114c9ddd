// The few protobuf wire-format primitives the data router needs to read and restamp
// LiveKit DataPackets without decoding them into objects (no per-message garbage but the
// one output buffer). Lengths are bounded by the buffer; nothing here throws on input.

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

/** A cursor over one message; `error` is set (and stays set) on the first malformed byte. */
export class WireReader {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;
  end = 0;
  error = '';
  /** The last field read: number, wire type, and for WIRE_LEN its payload range. */
  field = 0;
  wireType = 0;
  valueStart = 0;
  valueEnd = 0;
  /** The value of the last varint field (exact up to 2^53). */
  varint = 0;
  /** Where the last field (tag included) started. */
  fieldStart = 0;

  reset(buf: Buffer, start: number, end: number): this {
    this.buf = buf; this.pos = start; this.end = end; this.error = '';
    return this;
  }

  readVarint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) { this.error = 'truncated varint'; return 0; }
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    this.error = 'varint longer than 10 bytes';
    return 0;
  }

  /** Reads the next field; false at the end or on error (check `error`). */
  next(): boolean {
    if (this.error || this.pos >= this.end) return false;
    this.fieldStart = this.pos;
    const tag = this.readVarint();
    if (this.error) return false;
    this.field = Math.floor(tag / 8);
    this.wireType = tag & 7;
    if (this.field === 0) { this.error = 'field number 0'; return false; }
    switch (this.wireType) {
      case WIRE_VARINT: this.varint = this.readVarint(); return !this.error;
      case WIRE_FIXED64: return this.skip(8);
      case WIRE_FIXED32: return this.skip(4);
      case WIRE_LEN: {
        const len = this.readVarint();
        if (this.error) return false;
        if (len > this.end - this.pos) { this.error = `field ${this.field}: length ${len} past the end`; return false; }
        this.valueStart = this.pos;
        this.valueEnd = this.pos + len;
        this.pos += len;
        return true;
      }
      default: this.error = `field ${this.field}: unsupported wire type ${this.wireType}`; return false;
    }
  }

  private skip(n: number): boolean {
    if (this.end - this.pos < n) { this.error = `field ${this.field}: truncated fixed value`; return false; }
    this.pos += n;
    return true;
  }
}

export function varintSize(v: number): number {
  let n = 1;
  while (v >= 128) { v = Math.floor(v / 128); n++; }
  return n;
}

export function writeVarint(out: Buffer, pos: number, v: number): number {
  while (v >= 128) { out[pos++] = (v % 128) | 0x80; v = Math.floor(v / 128); }
  out[pos++] = v;
  return pos;
}

/** Size of a length-delimited field of `len` payload bytes. */
export function lenFieldSize(field: number, len: number): number {
  return varintSize(field * 8 + WIRE_LEN) + varintSize(len) + len;
}

/** Writes a length-delimited field's tag and length; the caller writes the payload. */
export function writeLenHeader(out: Buffer, pos: number, field: number, len: number): number {
  return writeVarint(out, writeVarint(out, pos, field * 8 + WIRE_LEN), len);
}
