// DataPacket routing in one room, with livekit-server's semantics (rtc/participant.go
// handleReceivedDataMessage, rtc/room.go BroadcastDataPacketForRoom):
//  - a sender without canPublishData is ignored; the channel it came on decides the kind;
//  - the sender's sid and identity are stamped by us (hidden participants: none);
//  - reliable packets with a sequence are dropped when not newer than the last one routed;
//  - a user packet's nonce is remembered for a while; a repeat is dropped (SendData retries);
//  - metrics are not forwarded, transcriptions only from agents, speaker updates never
//    (only the server sends those); every other value, known or newer, is forwarded;
//  - destinations (identities or sids) restrict the recipients; the sender never gets its own.
import type { DataKind } from './data-packet.js';
import { DataPacketView, DP, stampDataPacket } from './data-packet.js';
import type { ParticipantData } from './participant-data.js';

/** User packet nonces remembered per room (a bounded FIFO, not a time window). */
export const NONCE_MEMORY = 4096;

export interface RoomDataHooks {
  /** Set when the embedder listens: a routed packet (sender sid '' for the server). */
  onRouted?: (from: ParticipantData | null, kind: DataKind, packet: Buffer) => void;
}

export class RoomData {
  readonly #members = new Map<string, ParticipantData>();
  readonly #view = new DataPacketView();
  readonly #nonces = new Set<string>();
  readonly #nonceOrder: string[] = [];
  #nonceHead = 0;
  hooks: RoomDataHooks = {};

  add(p: ParticipantData): void { this.#members.set(p.sid, p); }
  remove(sid: string): void { this.#members.get(sid)?.close(); this.#members.delete(sid); }
  get(sid: string): ParticipantData | undefined { return this.#members.get(sid); }

  /** A packet from a participant's channel. Never throws at the peer's input. */
  receive(from: ParticipantData, kind: DataKind, msg: Buffer): void {
    const c = from.counters;
    if (!from.canPublishData) { c.notAllowed++; return; }
    const v = this.#view;
    if (!v.parse(msg)) { c.malformed++; return; }
    if (kind === 'reliable' && v.sequence > 0) {
      if (v.sequence <= from.lastReliableSeq) { c.outOfOrder++; return; }
      from.lastReliableSeq = v.sequence;
    }
    if (v.value === DP.speaker || v.value === DP.metrics || (v.value === DP.transcription && !from.agent)) { c.notForwarded++; return; }
    if (this.#isDuplicate(v)) { c.duplicate++; return; }
    const out = stampDataPacket(v, kind, from.stamp);
    c.forwarded++;
    this.#deliver(from, kind, out, undefined);
  }

  /**
   * A packet from the embedder (RoomService SendData, Room.sendData): forwarded as given,
   * to `only` when set, else to its destinations. Returns the recipients, or an error.
   */
  send(packet: Buffer, kind: DataKind, only?: string): { recipients: number } | { error: string } {
    const v = this.#view;
    if (!v.parse(packet)) return { error: `not a DataPacket: ${v.error}` };
    if (this.#isDuplicate(v)) return { recipients: 0 };
    return { recipients: this.#deliver(null, kind, packet, only) };
  }

  #deliver(from: ParticipantData | null, kind: DataKind, out: Buffer, only: string | undefined): number {
    const v = this.#view;
    let n = 0;
    if (only !== undefined) {
      const to = this.#members.get(only);
      if (to && to !== from && to.send(kind, out)) n++;
    } else {
      const targeted = v.targeted;
      for (const to of this.#members.values()) {
        if (to === from) continue;
        if (targeted && !v.isFor(to.identityBytes, to.sidBytes)) continue;
        if (to.send(kind, out)) n++;
      }
    }
    this.hooks.onRouted?.(from, kind, out);
    return n;
  }

  #isDuplicate(v: DataPacketView): boolean {
    if (v.value !== DP.user) return false;
    const nonce = v.nonceHex();
    if (!nonce) return false;
    if (this.#nonces.has(nonce)) return true;
    if (this.#nonceOrder.length < NONCE_MEMORY) this.#nonceOrder.push(nonce);
    else {
      this.#nonces.delete(this.#nonceOrder[this.#nonceHead]!);
      this.#nonceOrder[this.#nonceHead] = nonce;
      this.#nonceHead = (this.#nonceHead + 1) % NONCE_MEMORY;
    }
    this.#nonces.add(nonce);
    return false;
  }
}
