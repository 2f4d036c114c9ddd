// LiveKit's DataPacket (livekit_models.proto) at the wire level: what the router needs
// to know of a packet (which value it carries, its destinations, the reliable sequence,
// a user packet's nonce) read in place, and the restamp that writes the sender's sid and
// identity the server vouches for (never the client's claim) into one output buffer
// shared by every recipient. Fields we do not touch are copied byte for byte, so packet
// types newer than this file pass through unchanged.
import { WireReader, WIRE_LEN, WIRE_VARINT, lenFieldSize, writeLenHeader } from './wire.js';

/** DataPacket field numbers (@livekit/protocol livekit.DataPacket). */
export const DP = {
  kind: 1, user: 2, speaker: 3, participantIdentity: 4, destinationIdentities: 5, sipDtmf: 6, transcription: 7,
  metrics: 8, chatMessage: 9, rpcRequest: 10, rpcAck: 11, rpcResponse: 12, streamHeader: 13, streamChunk: 14,
  streamTrailer: 15, sequence: 16, participantSid: 17, encryptedPacket: 18,
} as const;

/** UserPacket field numbers (livekit.UserPacket). */
export const UP = { participantSid: 1, payload: 2, destinationSids: 3, topic: 4, participantIdentity: 5, destinationIdentities: 6, nonce: 11 } as const;

/** The DataPacket `value` oneof: any field number that is a message of the oneof. */
const VALUE_FIELDS = new Set<number>([2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 18]);

export type DataKind = 'reliable' | 'lossy';

/** The most destinations (identities + sids) one packet may name. */
export const MAX_DESTINATIONS = 1024;

/**
 * One parsed DataPacket, reused from message to message (parse() resets it). Ranges are
 * byte offsets into `buf`; a destination list is [start, end) pairs in `ranges`.
 */
export class DataPacketView {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  error = '';
  /** The oneof case's field number (DP.user, DP.chatMessage, ...); 0: none. */
  value = 0;
  valueStart = 0;
  valueEnd = 0;
  sequence = 0;
  /** Ranges: top-level destination_identities, then the user packet's. */
  readonly ranges = new Int32Array(MAX_DESTINATIONS * 2);
  /** Ranges: the user packet's destination_sids. */
  readonly sidRanges = new Int32Array(MAX_DESTINATIONS * 2);
  topDests = 0;
  userDests = 0;
  userSids = 0;
  nonceStart = -1;
  nonceEnd = -1;
  topicStart = -1;
  topicEnd = -1;
  payloadStart = -1;
  payloadEnd = -1;
  readonly #r = new WireReader();
  readonly #inner = new WireReader();

  /** Parses buf[start, end); false (with `error`) when it is not a well-formed DataPacket. */
  parse(buf: Buffer, start = 0, end = buf.length): boolean {
    this.buf = buf; this.start = start; this.end = end; this.error = '';
    this.value = 0; this.sequence = 0; this.topDests = 0; this.userDests = 0; this.userSids = 0;
    this.nonceStart = this.nonceEnd = this.topicStart = this.topicEnd = this.payloadStart = this.payloadEnd = -1;
    const r = this.#r.reset(buf, start, end);
    while (r.next()) {
      const f = r.field;
      if (VALUE_FIELDS.has(f)) {
        if (r.wireType !== WIRE_LEN) return this.#fail(`field ${f}: a message must be length-delimited`);
        // A second value (or a repeated user) would be merged or overridden differently by
        // different decoders; a real encoder never writes one, so refuse the packet.
        if (this.value !== 0) return this.#fail(`more than one value (fields ${this.value} and ${f})`);
        this.value = f; this.valueStart = r.valueStart; this.valueEnd = r.valueEnd;
        // The value's own fields must stay inside it (one level; deeper ones are the receiver's to check).
        const n = this.#inner.reset(buf, r.valueStart, r.valueEnd);
        while (n.next()) { /* walk */ }
        if (n.error) return this.#fail(`field ${f}: ${n.error}`);
      } else if (f === DP.destinationIdentities) {
        if (r.wireType !== WIRE_LEN) return this.#fail('destination_identities must be strings');
        if (!this.#addRange(r.valueStart, r.valueEnd)) return false;
        this.topDests++;
      } else if (f === DP.sequence) {
        if (r.wireType !== WIRE_VARINT) return this.#fail('sequence must be a varint');
        this.sequence = r.varint % 0x1_0000_0000; // uint32: protobuf truncates
      }
    }
    if (r.error) return this.#fail(r.error);
    if (this.value === DP.user) return this.#parseUser();
    return true;
  }

  #parseUser(): boolean {
    const r = this.#r.reset(this.buf, this.valueStart, this.valueEnd);
    while (r.next()) {
      const f = r.field;
      if (r.wireType !== WIRE_LEN) continue;
      if (f === UP.destinationIdentities) {
        if (!this.#addRange(r.valueStart, r.valueEnd)) return false;
        this.userDests++;
      } else if (f === UP.destinationSids) {
        if (this.topDests + this.userDests + this.userSids >= MAX_DESTINATIONS) return this.#fail(`more than ${MAX_DESTINATIONS} destinations`);
        this.sidRanges[this.userSids * 2] = r.valueStart;
        this.sidRanges[this.userSids * 2 + 1] = r.valueEnd;
        this.userSids++;
      } else if (f === UP.nonce) { this.nonceStart = r.valueStart; this.nonceEnd = r.valueEnd; }
      else if (f === UP.topic) { this.topicStart = r.valueStart; this.topicEnd = r.valueEnd; }
      else if (f === UP.payload) { this.payloadStart = r.valueStart; this.payloadEnd = r.valueEnd; }
    }
    if (r.error) return this.#fail(`user packet: ${r.error}`);
    return true;
  }

  #addRange(s: number, e: number): boolean {
    const n = this.topDests + this.userDests;
    if (n + this.userSids >= MAX_DESTINATIONS) return this.#fail(`more than ${MAX_DESTINATIONS} destinations`);
    this.ranges[n * 2] = s;
    this.ranges[n * 2 + 1] = e;
    return true;
  }

  #fail(why: string): false { this.error = why; return false; }

  /** The identities this packet is for (LiveKit: the top-level list, else the user packet's): index of the first range. */
  get idFirst(): number { return this.topDests > 0 ? 0 : this.topDests; }
  get idCount(): number { return this.topDests > 0 ? this.topDests : this.userDests; }

  /** Any destination named (identities or sids)? None: the packet goes to everyone else. */
  get targeted(): boolean { return this.topDests + this.userDests + this.userSids > 0; }

  /** Is a participant (its identity and sid as UTF-8) among the destinations? */
  isFor(identity: Buffer, sid: Buffer): boolean {
    const first = this.idFirst, count = this.idCount;
    for (let i = first; i < first + count; i++) if (this.#equals(this.ranges, i, identity)) return true;
    for (let i = 0; i < this.userSids; i++) if (this.#equals(this.sidRanges, i, sid)) return true;
    return false;
  }

  #equals(ranges: Int32Array, i: number, b: Buffer): boolean {
    const s = ranges[i * 2]!, e = ranges[i * 2 + 1]!;
    return e - s === b.length && this.buf.compare(b, 0, b.length, s, e) === 0;
  }

  /** The destination identities as strings (for the engine's data event; allocates). */
  destinationIdentities(): string[] {
    const first = this.idFirst, count = this.idCount;
    const out: string[] = [];
    for (let i = first; i < first + count; i++) out.push(this.buf.toString('utf8', this.ranges[i * 2], this.ranges[i * 2 + 1]));
    return out;
  }

  /** The user packet's nonce as hex ('' when none); allocates, only user packets with a nonce. */
  nonceHex(): string {
    return this.nonceStart < 0 || this.nonceEnd === this.nonceStart ? '' : this.buf.toString('hex', this.nonceStart, this.nonceEnd);
  }
}

/** Reused by stampDataPacket (not reentrant; one per thread). */
const stampReader = new WireReader();

/** Who the server says sent a packet: empty strings leave the field out (hidden participants). */
export interface Stamp { sid: Buffer; identity: Buffer }

/**
 * The packet as recipients get it: `kind` set from the channel it arrived on,
 * participant_sid / participant_identity = the sender's (top level and, for a user packet,
 * inside it), and one destination list in both places (LiveKit's compatibility rule).
 * Everything else is copied as it came. One allocation: the returned buffer.
 */
export function stampDataPacket(v: DataPacketView, kind: DataKind, who: Stamp): Buffer {
  const r = stampReader;
  const first = v.idFirst, count = v.idCount;
  let destBytes = 0;
  for (let i = first; i < first + count; i++) destBytes += lenFieldSize(DP.destinationIdentities, v.ranges[i * 2 + 1]! - v.ranges[i * 2]!);

  // The user packet's new body size (same field numbers for the destinations list: 5 top, 6 user).
  let userSize = 0;
  if (v.value === DP.user) {
    r.reset(v.buf, v.valueStart, v.valueEnd);
    while (r.next()) if (!dropFromUser(r.field)) userSize += r.pos - r.fieldStart;
    userSize += stampSize(who, UP.participantSid, UP.participantIdentity);
    for (let i = first; i < first + count; i++) userSize += lenFieldSize(UP.destinationIdentities, v.ranges[i * 2 + 1]! - v.ranges[i * 2]!);
  }

  let size = 0;
  r.reset(v.buf, v.start, v.end);
  while (r.next()) if (!dropFromTop(r.field, v.value)) size += r.pos - r.fieldStart;
  if (kind === 'lossy') size += 2; // field 1 varint 1
  size += stampSize(who, DP.participantSid, DP.participantIdentity) + destBytes;
  if (v.value === DP.user) size += lenFieldSize(DP.user, userSize);

  // Our fields go first: a decoder that over-reads a malformed field of the client's
  // (protobuf-es reads a nested field's bytes past its message's end) can then only
  // swallow the client's own bytes, never the stamp.
  const out = Buffer.allocUnsafe(size);
  let p = 0;
  if (kind === 'lossy') { out[p++] = DP.kind * 8 + WIRE_VARINT; out[p++] = 1; }
  p = writeBytes(out, p, DP.participantIdentity, who.identity);
  p = writeBytes(out, p, DP.participantSid, who.sid);
  for (let i = first; i < first + count; i++) p = writeRange(out, p, DP.destinationIdentities, v.buf, v.ranges[i * 2]!, v.ranges[i * 2 + 1]!);
  if (v.value === DP.user) {
    p = writeLenHeader(out, p, DP.user, userSize);
    p = writeBytes(out, p, UP.participantSid, who.sid);
    p = writeBytes(out, p, UP.participantIdentity, who.identity);
    for (let i = first; i < first + count; i++) p = writeRange(out, p, UP.destinationIdentities, v.buf, v.ranges[i * 2]!, v.ranges[i * 2 + 1]!);
    r.reset(v.buf, v.valueStart, v.valueEnd);
    while (r.next()) if (!dropFromUser(r.field)) p += v.buf.copy(out, p, r.fieldStart, r.pos);
  }
  r.reset(v.buf, v.start, v.end);
  while (r.next()) if (!dropFromTop(r.field, v.value)) p += v.buf.copy(out, p, r.fieldStart, r.pos);
  if (p !== size) throw new Error(`stampDataPacket: wrote ${p} of ${size} bytes`); // a bug here, never input
  return out;
}

/** Bytes of the sender's sid and identity fields (absent when empty). No closure per call: this is per message. */
function stampSize(who: Stamp, sidField: number, idField: number): number {
  return (who.sid.length ? lenFieldSize(sidField, who.sid.length) : 0) + (who.identity.length ? lenFieldSize(idField, who.identity.length) : 0);
}

function dropFromTop(f: number, value: number): boolean {
  return f === DP.kind || f === DP.participantIdentity || f === DP.participantSid || f === DP.destinationIdentities || (f === DP.user && value === DP.user);
}

function dropFromUser(f: number): boolean {
  return f === UP.participantSid || f === UP.participantIdentity || f === UP.destinationIdentities;
}

function writeBytes(out: Buffer, p: number, field: number, b: Buffer): number {
  if (!b.length) return p;
  p = writeLenHeader(out, p, field, b.length);
  return p + b.copy(out, p);
}

function writeRange(out: Buffer, p: number, field: number, src: Buffer, s: number, e: number): number {
  p = writeLenHeader(out, p, field, e - s);
  return p + src.copy(out, p, s, e);
}

export interface UserPacketInit {
  payload: Uint8Array;
  topic?: string;
  destinationIdentities?: string[];
  destinationSids?: string[];
  /** Dedupe key (livekit-server-sdk sends 16 random bytes); repeats within the room's window are dropped. */
  nonce?: Uint8Array;
  kind: DataKind;
}

/** A server-originated user DataPacket (RoomService SendData, Room.sendData): no sender. */
export function encodeUserPacket(u: UserPacketInit): Buffer {
  const dests = (u.destinationIdentities ?? []).map((s) => Buffer.from(s, 'utf8'));
  const sids = (u.destinationSids ?? []).map((s) => Buffer.from(s, 'utf8'));
  const topic = u.topic !== undefined ? Buffer.from(u.topic, 'utf8') : undefined;
  let user = u.payload.length ? lenFieldSize(UP.payload, u.payload.length) : 0;
  for (const s of sids) user += lenFieldSize(UP.destinationSids, s.length);
  if (topic) user += lenFieldSize(UP.topic, topic.length);
  for (const d of dests) user += lenFieldSize(UP.destinationIdentities, d.length);
  if (u.nonce?.length) user += lenFieldSize(UP.nonce, u.nonce.length);
  let size = lenFieldSize(DP.user, user) + (u.kind === 'lossy' ? 2 : 0);
  for (const d of dests) size += lenFieldSize(DP.destinationIdentities, d.length);
  const out = Buffer.allocUnsafe(size);
  let p = 0;
  if (u.kind === 'lossy') { out[p++] = DP.kind * 8 + WIRE_VARINT; out[p++] = 1; }
  for (const d of dests) p = writeBytes(out, p, DP.destinationIdentities, d);
  p = writeLenHeader(out, p, DP.user, user);
  if (u.payload.length) { p = writeLenHeader(out, p, UP.payload, u.payload.length); out.set(u.payload, p); p += u.payload.length; }
  for (const s of sids) p = writeBytes(out, p, UP.destinationSids, s);
  if (topic) { p = writeLenHeader(out, p, UP.topic, topic.length); p += topic.copy(out, p); }
  for (const d of dests) p = writeBytes(out, p, UP.destinationIdentities, d);
  if (u.nonce?.length) { p = writeLenHeader(out, p, UP.nonce, u.nonce.length); out.set(u.nonce, p); p += u.nonce.length; }
  return out;
}
