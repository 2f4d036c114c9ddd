// One participant's data channels, as livekit-client and the Rust SDK use them: they open
// `_reliable` (ordered) and `_lossy` (unordered, maxRetransmits 0) on their publisher
// transport and send DataPackets there; we receive on those. We send to the participant
// on `_reliable` / `_lossy` that we open on its subscriber transport when that transport
// has a data section (two peer connections, LiveKit's subscriber-primary mode), otherwise
// on the channels the client opened (one peer connection, /rtc/v1, where the client listens
// on its publisher channels). Reliable data waits (bounded) until a channel is open; lossy
// data is dropped when it cannot go now, as it would be on the wire.
import type { DataChannel, DataChannelEndpoint } from '../../sctp/index.js';
import { SctpError } from '../../sctp/index.js';
import type { DataKind } from './data-packet.js';

export const RELIABLE_LABEL = '_reliable';
export const LOSSY_LABEL = '_lossy';

/** Reliable bytes held for a participant whose channel is not open yet (LiveKit holds joining messages too). */
export const MAX_PENDING_BYTES = 1 << 20;
/** Lossy data is dropped rather than queued behind this much unsent data on its channel. */
export const LOSSY_MAX_BUFFERED = 256 * 1024;

export interface DataCounters {
  /** DataPackets received from this participant, and those routed on. */
  received: number;
  forwarded: number;
  /** Messages sent to this participant (after routing), and bytes. */
  sent: number;
  sentBytes: number;
  /** Why packets from this participant were not routed. */
  notAllowed: number;
  malformed: number;
  outOfOrder: number;
  duplicate: number;
  notForwarded: number;
  /** Why packets to this participant were not sent. */
  sendDropped: number;
  pendingDropped: number;
  /** Channels other than _reliable / _lossy the client opened (not routed). */
  otherChannels: number;
}

export function newDataCounters(): DataCounters {
  return { received: 0, forwarded: 0, sent: 0, sentBytes: 0, notAllowed: 0, malformed: 0, outOfOrder: 0, duplicate: 0, notForwarded: 0, sendDropped: 0, pendingDropped: 0, otherChannels: 0 };
}

export interface ParticipantDataInit {
  sid: string;
  identity: string;
  canPublishData: boolean;
  /** Hidden participants' packets go out without a sender (LiveKit). */
  hidden: boolean;
  /** Agents may publish transcriptions. */
  agent: boolean;
  /** A DataPacket arrived on one of the participant's channels. */
  onPacket: (from: ParticipantData, kind: DataKind, msg: Buffer) => void;
}

export class ParticipantData {
  readonly sid: string;
  readonly identity: string;
  /** UTF-8 forms for matching destinations without decoding. */
  readonly sidBytes: Buffer;
  readonly identityBytes: Buffer;
  /** What the server stamps as the sender: empty for hidden participants. */
  readonly stamp: { sid: Buffer; identity: Buffer };
  canPublishData: boolean;
  readonly agent: boolean;
  /** The highest reliable `sequence` routed (LiveKit drops repeats after a resume). */
  lastReliableSeq = 0;
  readonly counters = newDataCounters();
  closed = false;
  readonly #onPacket: ParticipantDataInit['onPacket'];
  /** Channels the client opened (inbound, and outbound with one peer connection). */
  readonly #client: { reliable?: DataChannel; lossy?: DataChannel } = {};
  /** Channels we opened on the subscriber transport. */
  readonly #ours: { reliable?: DataChannel; lossy?: DataChannel } = {};
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  constructor(init: ParticipantDataInit) {
    this.sid = init.sid;
    this.identity = init.identity;
    this.sidBytes = Buffer.from(init.sid, 'utf8');
    this.identityBytes = Buffer.from(init.identity, 'utf8');
    this.stamp = init.hidden ? { sid: Buffer.alloc(0), identity: Buffer.alloc(0) } : { sid: this.sidBytes, identity: this.identityBytes };
    this.canPublishData = init.canPublishData;
    this.agent = init.agent;
    this.#onPacket = init.onPacket;
  }

  /** The publisher transport's SCTP is set up: take the client's channels as they open. */
  attachClientEndpoint(d: DataChannelEndpoint): void {
    d.on('datachannel', (ch) => this.#adoptClientChannel(ch));
  }

  /** The subscriber transport has a data section: open our own `_reliable` and `_lossy` on it. */
  attachSubscriberEndpoint(d: DataChannelEndpoint): void {
    if (this.closed) return;
    try {
      const reliable = d.createDataChannel(RELIABLE_LABEL, { ordered: true });
      const lossy = d.createDataChannel(LOSSY_LABEL, { ordered: false, maxRetransmits: 0 });
      this.#ours.reliable = reliable;
      this.#ours.lossy = lossy;
      reliable.on('open', () => this.#flush());
      // LiveKit clients only send on their publisher channels; anything on ours is routed alike.
      reliable.on('message', (m) => this.#inbound('reliable', m));
      lossy.on('message', (m) => this.#inbound('lossy', m));
    } catch {
      // The association is already closed: data to this participant falls back to its own channels.
    }
  }

  #adoptClientChannel(ch: DataChannel): void {
    let kind: DataKind;
    if (ch.label === RELIABLE_LABEL) kind = 'reliable';
    else if (ch.label === LOSSY_LABEL) kind = 'lossy';
    else { this.counters.otherChannels++; return; } // e.g. _data_track (data tracks are not routed yet)
    this.#client[kind] = ch;
    ch.on('message', (m) => this.#inbound(kind, m));
    if (kind === 'reliable') {
      if (ch.readyState === 'open') queueMicrotask(() => this.#flush());
      else ch.on('open', () => this.#flush());
    }
  }

  #inbound(kind: DataKind, m: string | Buffer): void {
    if (this.closed) return;
    this.counters.received++;
    if (typeof m === 'string') { this.counters.malformed++; return; } // DataPackets are binary
    this.#onPacket(this, kind, m);
  }

  #channel(kind: DataKind): DataChannel | undefined {
    const ours = this.#ours[kind];
    if (ours && ours.readyState === 'open') return ours;
    const theirs = this.#client[kind];
    if (theirs && theirs.readyState === 'open') return theirs;
    return undefined;
  }

  /** Sends one routed DataPacket to this participant; false when it was dropped. */
  send(kind: DataKind, packet: Buffer): boolean {
    if (this.closed) return false;
    const ch = this.#channel(kind);
    if (!ch) {
      if (kind === 'lossy') { this.counters.sendDropped++; return false; }
      if (this.#pendingBytes + packet.length > MAX_PENDING_BYTES) { this.counters.pendingDropped++; return false; }
      this.#pending.push(packet);
      this.#pendingBytes += packet.length;
      return true;
    }
    if (kind === 'lossy' && ch.bufferedAmount > LOSSY_MAX_BUFFERED) { this.counters.sendDropped++; return false; }
    if (kind === 'reliable' && this.#pending.length) this.#flush();
    return this.#write(ch, packet);
  }

  #write(ch: DataChannel, packet: Buffer): boolean {
    try {
      ch.send(packet);
    } catch (e) {
      // send-buffer-full, message-too-large (above the peer's max-message-size), closing.
      if (!(e instanceof SctpError)) throw e;
      this.counters.sendDropped++;
      return false;
    }
    this.counters.sent++;
    this.counters.sentBytes += packet.length;
    return true;
  }

  #flush(): void {
    const ch = this.#channel('reliable');
    if (!ch || this.closed) return;
    const q = this.#pending;
    this.#pending = [];
    this.#pendingBytes = 0;
    for (const p of q) this.#write(ch, p);
  }

  close(): void {
    this.closed = true;
    this.#pending = [];
    this.#pendingBytes = 0;
  }
}
