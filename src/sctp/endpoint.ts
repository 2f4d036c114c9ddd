// DataChannelEndpoint: one SCTP association plus DCEP (RFC 8832) — what a peer
// connection's transport owns. Feed it the DTLS application data (handlePacket), give it
// the DTLS send as `output`; it opens channels (even stream ids for the DTLS client, odd
// for the server, RFC 8832 §6) and announces the peer's as 'datachannel'.
import { EventEmitter } from 'node:events';
import { SctpAssociation, type SctpState } from './association.js';
import { Ppid } from './constants.js';
import { ACK_MESSAGE, DCEP_ACK, DCEP_OPEN, decodeOpen, encodeOpen } from './dcep.js';
import { DataChannel, type ChannelHost } from './data-channel.js';
import { SctpError } from './errors.js';
import type { SctpOptions } from './options.js';

export interface DataChannelInit {
  ordered?: boolean;            // default true
  maxRetransmits?: number;
  maxPacketLifeTime?: number;   // ms
  protocol?: string;
  /** Pre-negotiated (RFC 8832 §6 "out of band"): no DCEP, both sides create it with `id`. */
  negotiated?: boolean;
  id?: number;
  priority?: number;
}

export interface EndpointOptions extends SctpOptions {
  /** Our DTLS role: decides the parity of the stream ids we pick. */
  dtlsRole: 'client' | 'server';
}

export interface EndpointEvents {
  datachannel: [channel: DataChannel];
  open: [];
  close: [error: SctpError | null];
  state: [state: SctpState];
}

export class DataChannelEndpoint extends EventEmitter<EndpointEvents> implements ChannelHost {
  readonly sctp: SctpAssociation;
  readonly channels = new Map<number, DataChannel>();
  /** DCEP messages that did not parse, or arrived for no channel. */
  dcepErrors = 0;
  private nextId: number;

  constructor(readonly opts: EndpointOptions) {
    super();
    this.sctp = new SctpAssociation(opts);
    this.nextId = opts.dtlsRole === 'client' ? 0 : 1;
    const s = this.sctp;
    s.onMessage = (stream, ppid, data) => this.onMessage(stream, ppid, data);
    s.onDequeued = (stream, bytes) => this.channels.get(stream)?.dequeued(bytes);
    s.onIncomingReset = (streams) => this.onIncomingReset(streams);
    s.onOutgoingReset = (streams) => { for (const id of streams) this.finishClose(id); };
    s.onStateChange = (st) => {
      this.safeEmit('state', st);
      if (st === 'established') {
        for (const ch of this.channels.values()) if (ch.negotiated) ch.setOpen();
        this.safeEmit('open');
      }
    };
    s.onClose = (err) => {
      for (const ch of this.channels.values()) ch.setClosed();
      this.channels.clear();
      this.safeEmit('close', err);
    };
  }

  /** Starts the association (both WebRTC peers send INIT; collisions are handled). */
  connect(): void { this.sctp.connect(); }
  handlePacket(buf: Buffer, off = 0, len = buf.length - off): void { this.sctp.handlePacket(buf, off, len); }
  /** Graceful SCTP shutdown; channels close when it completes. */
  shutdown(): void { this.sctp.shutdown(); }
  close(): void { this.sctp.abort('data channel endpoint closed'); }

  createDataChannel(label: string, init: DataChannelInit = {}): DataChannel {
    if (this.sctp.closed) throw new SctpError('invalid-state', 'the SCTP association is closed');
    if (init.maxRetransmits !== undefined && init.maxPacketLifeTime !== undefined) {
      throw new SctpError('invalid-argument', 'maxRetransmits and maxPacketLifeTime are exclusive');
    }
    const max = this.sctp.outboundStreams || this.sctp.options.maxStreams;
    let id: number;
    if (init.negotiated) {
      if (init.id === undefined || !Number.isInteger(init.id) || init.id < 0 || init.id >= max) throw new SctpError('invalid-argument', `negotiated channel needs an id in 0..${max - 1}`);
      id = init.id;
    } else {
      id = init.id ?? this.allocateId(max);
    }
    if (this.channels.has(id)) throw new SctpError('invalid-argument', `stream id ${id} already in use`);
    const ch = new DataChannel(id, {
      label, protocol: init.protocol ?? '', ordered: init.ordered !== false,
      maxRetransmits: init.maxRetransmits ?? null, maxPacketLifeTime: init.maxPacketLifeTime ?? null, priority: init.priority ?? 256,
    }, !!init.negotiated, this);
    this.channels.set(id, ch);
    if (init.negotiated) {
      if (this.sctp.established) queueMicrotask(() => ch.setOpen());
    } else {
      // DATA_CHANNEL_OPEN goes reliable and ordered (§6); data may follow before the ACK.
      this.sctp.send(id, Ppid.Dcep, encodeOpen(ch));
      if (this.sctp.established) queueMicrotask(() => ch.setOpen());
      else this.once('open', () => ch.setOpen());
    }
    return ch;
  }

  // ---- ChannelHost ----

  sendOnStream(ch: DataChannel, ppid: number, data: Buffer): void {
    const ordered = ch.ordered || !ch.acked;
    this.sctp.send(ch.id, ppid, data, {
      ordered,
      maxRetransmits: ch.maxRetransmits ?? undefined,
      maxPacketLifeTime: ch.maxPacketLifeTime ?? undefined,
    });
  }

  closeStream(ch: DataChannel): void {
    if (!this.sctp.established) { this.finishClose(ch.id); return; }
    this.sctp.resetStreams([ch.id]);
  }

  // ---- from the association ----

  private onMessage(stream: number, ppid: number, data: Buffer): void {
    if (ppid === Ppid.Dcep) { this.onDcep(stream, data); return; }
    const ch = this.channels.get(stream);
    if (!ch) { this.dcepErrors++; return; }
    // Any message from the peer implies its ACK (§6: the ACK may be lost behind data).
    ch.acked = true;
    ch.deliver(ppid, data);
  }

  private onDcep(stream: number, data: Buffer): void {
    if (data.length === 1 && data[0] === DCEP_ACK) {
      const ch = this.channels.get(stream);
      if (ch) ch.acked = true; else this.dcepErrors++;
      return;
    }
    if (data[0] !== DCEP_OPEN) { this.dcepErrors++; return; }
    const p = decodeOpen(data);
    if (!p) { this.dcepErrors++; return; }
    if (this.channels.has(stream)) {
      // A retransmitted or colliding OPEN: answer again, keep the channel we have.
      this.sctp.send(stream, Ppid.Dcep, ACK_MESSAGE);
      return;
    }
    const ch = new DataChannel(stream, p, false, this);
    ch.acked = true; // the opener's side is acked by its own OPEN
    this.channels.set(stream, ch);
    this.sctp.send(stream, Ppid.Dcep, ACK_MESSAGE);
    ch.readyState = 'open';
    this.safeEmit('datachannel', ch);
    ch.safeEmit('open');
  }

  private onIncomingReset(streams: number[]): void {
    const ours: number[] = [];
    for (const id of streams) {
      const ch = this.channels.get(id);
      if (!ch) continue;
      if (ch.readyState !== 'closing') {
        // The peer closed: reset our side as well (RFC 8831 §6.7), then it is closed.
        ch.readyState = 'closing';
        ours.push(id);
      }
    }
    if (ours.length) this.sctp.resetStreams(ours);
  }

  private finishClose(id: number): void {
    const ch = this.channels.get(id);
    if (!ch) return;
    this.channels.delete(id);
    ch.setClosed();
  }

  private allocateId(max: number): number {
    for (let tries = 0; tries < max; tries++) {
      const id = this.nextId;
      this.nextId += 2;
      if (this.nextId >= max) this.nextId = this.opts.dtlsRole === 'client' ? 0 : 1;
      if (!this.channels.has(id)) return id;
    }
    throw new SctpError('invalid-argument', 'no free stream id for a new data channel');
  }

  private safeEmit<K extends keyof EndpointEvents>(event: K, ...args: EndpointEvents[K]): void {
    try {
      (this.emit as (e: K, ...a: EndpointEvents[K]) => boolean)(event, ...args);
    } catch (e) {
      queueMicrotask(() => { throw e; });
    }
  }
}
