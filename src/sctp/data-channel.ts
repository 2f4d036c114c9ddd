// One WebRTC data channel (RFC 8831) on an SCTP stream: the W3C RTCDataChannel shape the
// engine needs — send string/Buffer, close, bufferedAmount with a low threshold, and
// 'open' / 'message' / 'close' / 'bufferedamountlow' / 'error' events.
import { EventEmitter } from 'node:events';
import { Ppid } from './constants.js';
import { SctpError } from './errors.js';
import type { ChannelParams } from './dcep.js';

export type DataChannelState = 'connecting' | 'open' | 'closing' | 'closed';

export interface DataChannelEvents {
  open: [];
  message: [data: string | Buffer];
  close: [];
  bufferedamountlow: [];
  error: [error: SctpError];
}

/** What the channel needs from its endpoint (kept narrow so the channel stays testable). */
export interface ChannelHost {
  sendOnStream(ch: DataChannel, ppid: number, data: Buffer): void;
  closeStream(ch: DataChannel): void;
}

const EMPTY_STRING = Buffer.from([0]);
const EMPTY_BINARY = Buffer.from([0]);

export class DataChannel extends EventEmitter<DataChannelEvents> {
  readyState: DataChannelState = 'connecting';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  readonly label: string;
  readonly protocol: string;
  readonly ordered: boolean;
  readonly maxRetransmits: number | null;
  readonly maxPacketLifeTime: number | null;
  readonly priority: number;
  /** Until the peer's DATA_CHANNEL_ACK, messages go ordered (RFC 8832 §6). */
  acked: boolean;

  constructor(readonly id: number, params: ChannelParams, readonly negotiated: boolean, private readonly host: ChannelHost) {
    super();
    this.label = params.label;
    this.protocol = params.protocol;
    this.ordered = params.ordered;
    this.maxRetransmits = params.maxRetransmits;
    this.maxPacketLifeTime = params.maxPacketLifeTime;
    this.priority = params.priority;
    this.acked = negotiated;
  }

  /** Sends a text (PPID 51/56) or binary (PPID 53/57) message. Throws SctpError on a bad call. */
  send(data: string | Buffer | Uint8Array): void {
    if (this.readyState !== 'open') throw new SctpError('invalid-state', `data channel ${this.id} is ${this.readyState}`);
    let ppid: number;
    let bytes: Buffer;
    if (typeof data === 'string') {
      bytes = data.length ? Buffer.from(data, 'utf8') : EMPTY_STRING;
      ppid = data.length ? Ppid.String : Ppid.StringEmpty;
    } else {
      const b = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      bytes = b.length ? b : EMPTY_BINARY;
      ppid = b.length ? Ppid.Binary : Ppid.BinaryEmpty;
    }
    this.host.sendOnStream(this, ppid, bytes);
    this.bufferedAmount += bytes.length;
  }

  /** Closes via an SCTP stream reset (RFC 8831 §6.7). Idempotent. */
  close(): void {
    if (this.readyState === 'closing' || this.readyState === 'closed') return;
    this.readyState = 'closing';
    this.host.closeStream(this);
  }

  // ---- called by the endpoint ----

  /**
   * Emits without letting a throwing listener unwind into the SCTP receive path (which
   * would end the association): the error is rethrown on its own, as Node does for emit.
   */
  safeEmit<K extends keyof DataChannelEvents>(event: K, ...args: DataChannelEvents[K]): void {
    try {
      (this.emit as (e: K, ...a: DataChannelEvents[K]) => boolean)(event, ...args);
    } catch (e) {
      queueMicrotask(() => { throw e; });
    }
  }

  /** @internal */
  setOpen(): void {
    if (this.readyState !== 'connecting') return;
    this.readyState = 'open';
    this.safeEmit('open');
  }

  /** @internal */
  deliver(ppid: number, data: Buffer): void {
    if (this.readyState !== 'open' && this.readyState !== 'closing') return;
    switch (ppid) {
      case Ppid.String: this.safeEmit('message', data.toString('utf8')); break;
      case Ppid.StringEmpty: this.safeEmit('message', ''); break;
      case Ppid.Binary: this.safeEmit('message', data); break;
      case Ppid.BinaryEmpty: this.safeEmit('message', Buffer.alloc(0)); break;
      default: // deprecated partial PPIDs (52, 54) and others: not a message of this API
    }
  }

  /** @internal */
  dequeued(bytes: number): void {
    const before = this.bufferedAmount;
    this.bufferedAmount = Math.max(0, before - bytes);
    if (before > this.bufferedAmountLowThreshold && this.bufferedAmount <= this.bufferedAmountLowThreshold) this.safeEmit('bufferedamountlow');
  }

  /** @internal */
  setClosed(): void {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    this.bufferedAmount = 0;
    this.safeEmit('close');
  }
}
