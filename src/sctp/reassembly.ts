// Reassembly and delivery order (RFC 9260 §6.5, §6.6, §6.9): fragments wait here until
// their message is complete; ordered messages also wait for their SSN. The memory held
// is counted in `bytes` (the association advertises rwnd = limit - bytes and refuses
// DATA past it), and a message above maxMessageSize is reported, not assembled.
import { DataFlag } from './constants.js';
import { ssnGe, tsnDiff, tsnLe, tsnLt } from './serial.js';

interface Fragment { tsn: number; streamId: number; ssn: number; ppid: number; flags: number; data: Buffer }
interface StreamIn { nextSsn: number; frags: Fragment[] }

export const enum Reassembled { Ok = 0, TooLarge = 1 }

export type Deliver = (streamId: number, ppid: number, data: Buffer) => void;

export class Reassembly {
  bytes = 0;
  private readonly ordered = new Map<number, StreamIn>();
  private readonly unordered: Fragment[] = [];

  constructor(private readonly maxMessageSize: number, private readonly deliver: Deliver) {}

  /** Takes one DATA chunk's payload (copied if it has to wait). */
  insert(tsn: number, streamId: number, ssn: number, ppid: number, flags: number, src: Buffer, off: number, len: number): Reassembled {
    if (len > this.maxMessageSize) return Reassembled.TooLarge;
    const whole = (flags & (DataFlag.Begin | DataFlag.End)) === (DataFlag.Begin | DataFlag.End);
    if (flags & DataFlag.Unordered) {
      if (whole) { this.deliver(streamId, ppid, Buffer.from(src.subarray(off, off + len))); return Reassembled.Ok; }
      const i = insertSorted(this.unordered, frag(tsn, streamId, ssn, ppid, flags, src, off, len));
      this.bytes += len;
      return this.tryUnordered(i);
    }
    let s = this.ordered.get(streamId);
    if (!s) { s = { nextSsn: 0, frags: [] }; this.ordered.set(streamId, s); }
    if (whole && ssn === s.nextSsn && (s.frags.length === 0 || s.frags[0].ssn !== ssn)) {
      // The common case: a complete in-order message, delivered without waiting.
      s.nextSsn = (s.nextSsn + 1) & 0xffff;
      this.deliver(streamId, ppid, Buffer.from(src.subarray(off, off + len)));
      return this.drainOrdered(streamId, s);
    }
    if (!ssnGe(ssn, s.nextSsn)) return Reassembled.Ok; // an old message (already delivered or skipped)
    insertSorted(s.frags, frag(tsn, streamId, ssn, ppid, flags, src, off, len));
    this.bytes += len;
    return this.drainOrdered(streamId, s);
  }

  /** FORWARD TSN (RFC 3758 §3.6): drop what it abandons and skip ordered SSNs up to the named ones. */
  forward(newCumTsn: number, streamIds: ArrayLike<number>, ssns: ArrayLike<number>, count: number): Reassembled {
    for (let i = this.unordered.length - 1; i >= 0; i--) {
      if (tsnLe(this.unordered[i].tsn, newCumTsn)) { this.bytes -= this.unordered[i].data.length; this.unordered.splice(i, 1); }
    }
    let status = Reassembled.Ok;
    for (let k = 0; k < count; k++) {
      const s = this.ordered.get(streamIds[k]);
      if (!s) {
        this.ordered.set(streamIds[k], { nextSsn: (ssns[k] + 1) & 0xffff, frags: [] });
        continue;
      }
      const skip = ssns[k];
      for (let i = s.frags.length - 1; i >= 0; i--) {
        const f = s.frags[i];
        if (ssnGe(skip, f.ssn) && tsnLe(f.tsn, newCumTsn)) { this.bytes -= f.data.length; s.frags.splice(i, 1); }
      }
      if (ssnGe(skip, s.nextSsn)) s.nextSsn = (skip + 1) & 0xffff;
      if (this.drainOrdered(streamIds[k], s) !== Reassembled.Ok) status = Reassembled.TooLarge;
    }
    return status;
  }

  /** Incoming SSN reset (RFC 6525 §5.2.2): the streams start again at SSN 0. */
  resetStreams(ids: ArrayLike<number>): void {
    for (let i = 0; i < ids.length; i++) {
      const s = this.ordered.get(ids[i]);
      if (!s) continue;
      for (const f of s.frags) this.bytes -= f.data.length;
      this.ordered.delete(ids[i]);
    }
  }

  private drainOrdered(streamId: number, s: StreamIn): Reassembled {
    while (s.frags.length && s.frags[0].ssn === s.nextSsn) {
      const first = s.frags[0];
      if (!(first.flags & DataFlag.Begin)) return Reassembled.Ok;
      let k = 0;
      let size = first.data.length;
      while (!(s.frags[k].flags & DataFlag.End)) {
        const n = s.frags[k + 1];
        if (!n || n.ssn !== first.ssn || tsnDiff(n.tsn, s.frags[k].tsn) !== 1) return this.checkSize(size);
        size += n.data.length;
        k++;
      }
      if (size > this.maxMessageSize) return Reassembled.TooLarge;
      const parts = s.frags.splice(0, k + 1);
      s.nextSsn = (s.nextSsn + 1) & 0xffff;
      this.bytes -= size;
      this.deliver(streamId, first.ppid, join(parts, size));
    }
    if (s.frags.length === 0 && s.nextSsn === 0) this.ordered.delete(streamId);
    return Reassembled.Ok;
  }

  private tryUnordered(i: number): Reassembled {
    const u = this.unordered;
    let j = i;
    while (!(u[j].flags & DataFlag.Begin)) {
      if (j === 0 || tsnDiff(u[j].tsn, u[j - 1].tsn) !== 1 || u[j - 1].streamId !== u[j].streamId) return Reassembled.Ok;
      j--;
    }
    let k = i;
    let size = 0;
    for (let x = j; x <= i; x++) size += u[x].data.length;
    while (!(u[k].flags & DataFlag.End)) {
      if (k + 1 >= u.length || tsnDiff(u[k + 1].tsn, u[k].tsn) !== 1 || u[k + 1].streamId !== u[k].streamId) return this.checkSize(size);
      k++;
      size += u[k].data.length;
    }
    if (size > this.maxMessageSize) return Reassembled.TooLarge;
    const parts = u.splice(j, k - j + 1);
    this.bytes -= size;
    this.deliver(parts[0].streamId, parts[0].ppid, join(parts, size));
    return Reassembled.Ok;
  }

  private checkSize(partial: number): Reassembled { return partial > this.maxMessageSize ? Reassembled.TooLarge : Reassembled.Ok; }
}

function frag(tsn: number, streamId: number, ssn: number, ppid: number, flags: number, src: Buffer, off: number, len: number): Fragment {
  return { tsn, streamId, ssn, ppid, flags, data: Buffer.from(src.subarray(off, off + len)) };
}

/** Inserts by TSN order (fragments mostly arrive in order: scan from the end). */
function insertSorted(a: Fragment[], f: Fragment): number {
  let i = a.length;
  while (i > 0 && tsnLt(f.tsn, a[i - 1].tsn)) i--;
  a.splice(i, 0, f);
  return i;
}

function join(parts: Fragment[], size: number): Buffer {
  if (parts.length === 1) return parts[0].data;
  const out = Buffer.allocUnsafe(size);
  let p = 0;
  for (const f of parts) { f.data.copy(out, p); p += f.data.length; }
  return out;
}
