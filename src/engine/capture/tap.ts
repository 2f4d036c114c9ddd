// The capture tap: records the decrypted RTP/RTCP of a room's (or one participant's)
// transports into a CaptureFile. Nothing sits on the packet path while no capture runs:
// a capture wraps, per transport, the decrypted-packet callbacks (events.onRtp/onRtcp,
// interface 0 "in") and shadows sendRtp/sendRtcp on the instance (interface 1 "out",
// the packet as the engine hands it over, before SRTP). Stopping restores them.
// Every packet is written as UDP between the client's selected address and the server's
// listening port. A transport whose selected pair is ICE-TCP (RFC 6544) is recorded the
// same way, as UDP pseudo-packets (not TCP-framed: the tap sees decrypted datagrams, not
// the byte stream) with the client's TCP address and port and the server's ICE-TCP
// listening port, so `pcap info` / tshark read both kinds alike; a pair switch between
// UDP and TCP shows as a change of ports.
import { WebRtcTransport } from '../../transport/index.js';
import { UdpFlow, ipv4ToU32, ipv6ToBytes } from '../../pcap/index.js';
import type { MediaHost } from '../core/media-host.js';
import { CaptureFile, CAPTURE_IF_IN, CAPTURE_IF_OUT, type CaptureFileOptions, type CaptureFileStats } from './capture-file.js';

type Send = (buf: Buffer, off: number, len: number) => boolean;
type OnPacket = (buf: Buffer, len: number, nowMs: number) => void;

const proto = WebRtcTransport.prototype;
const origin = performance.timeOrigin;

/** One tapped transport: its two flows (client -> server, server -> client) and the originals. */
export class TransportTap {
  readonly inFlow = new UdpFlow();
  readonly outFlow = new UdpFlow();
  #addr = '';
  #port = -1;
  #tcp = false;
  readonly #origRtp: OnPacket | undefined;
  readonly #origRtcp: OnPacket | undefined;
  readonly #rtp: OnPacket;
  readonly #rtcp: OnPacket;

  /** localTcpPort: the server's ICE-TCP listening port (0 without ICE-TCP). */
  constructor(readonly t: WebRtcTransport, file: CaptureFile, localAddress: string, readonly localPort: number, readonly localTcpPort = 0) {
    setAddress(this.inFlow, localAddress, false);
    setAddress(this.outFlow, localAddress, true);
    this.inFlow.dstPort = localPort;
    this.outFlow.srcPort = localPort;
    const ev = t.events;
    const origRtp = (this.#origRtp = ev.onRtp);
    const origRtcp = (this.#origRtcp = ev.onRtcp);
    this.#rtp = (buf, len, nowMs) => { this.#remote(); file.writeUdp(CAPTURE_IF_IN, origin + nowMs, this.inFlow, buf, 0, len); origRtp?.(buf, len, nowMs); };
    this.#rtcp = (buf, len, nowMs) => { this.#remote(); file.writeUdp(CAPTURE_IF_IN, origin + nowMs, this.inFlow, buf, 0, len); origRtcp?.(buf, len, nowMs); };
    ev.onRtp = this.#rtp;
    ev.onRtcp = this.#rtcp;
    const shadow = t as unknown as { sendRtp: Send; sendRtcp: Send };
    shadow.sendRtp = (buf, off, len) => { this.#remote(); file.writeUdp(CAPTURE_IF_OUT, origin + performance.now(), this.outFlow, buf, off, len); return proto.sendRtp.call(t, buf, off, len); };
    shadow.sendRtcp = (buf, off, len) => { this.#remote(); file.writeUdp(CAPTURE_IF_OUT, origin + performance.now(), this.outFlow, buf, off, len); return proto.sendRtcp.call(t, buf, off, len); };
  }

  /** Keeps the client side of both flows on the transport's selected address, the server side on the port of its protocol. */
  #remote(): void {
    const port = this.t.selectedPort ?? 0, addr = this.t.selectedAddress ?? '0.0.0.0';
    const tcp = this.t.selectedProtocol === 'tcp';
    if (port === this.#port && addr === this.#addr && tcp === this.#tcp) return;
    this.#port = port; this.#addr = addr; this.#tcp = tcp;
    setAddress(this.inFlow, addr, true);
    setAddress(this.outFlow, addr, false);
    this.inFlow.srcPort = port;
    this.outFlow.dstPort = port;
    const local = tcp && this.localTcpPort ? this.localTcpPort : this.localPort;
    this.inFlow.dstPort = local;
    this.outFlow.srcPort = local;
  }

  remove(): void {
    const ev = this.t.events;
    if (ev.onRtp === this.#rtp) ev.onRtp = this.#origRtp;
    if (ev.onRtcp === this.#rtcp) ev.onRtcp = this.#origRtcp;
    const own = this.t as unknown as Record<string, unknown>;
    delete own.sendRtp;
    delete own.sendRtcp;
  }
}

function setAddress(f: UdpFlow, addr: string, src: boolean): void {
  if (addr.includes(':')) {
    f.ipVersion = 6;
    ipv6ToBytes(addr, src ? f.src6 : f.dst6);
  } else if (src) f.srcIp = ipv4ToU32(addr);
  else f.dstIp = ipv4ToU32(addr);
}

export interface CaptureTarget {
  room: string;
  /** Only this participant's transports; default: every participant of the room. */
  participant?: string;
}

/** A running capture of one room or participant on one media host. */
export class CaptureSession {
  readonly file: CaptureFile;
  readonly #taps = new Map<WebRtcTransport, TransportTap>();
  #stopped = false;

  constructor(readonly host: MediaHost, readonly target: CaptureTarget, path: string, opts: CaptureFileOptions = {}) {
    this.file = new CaptureFile(path, opts);
    this.scan();
  }

  get key(): string { return captureKey(this.target); }
  get transports(): number { return this.#taps.size; }

  /** Taps the target's transports that are not tapped yet (new participants, a late subscriber PC). */
  scan(): void {
    if (this.#stopped) return;
    const room = this.host.rooms.get(this.target.room);
    if (!room) return;
    const mux = this.host.server.mux, tcpPort = this.host.server.tcpPort;
    for (const p of room.participants.values()) {
      if (this.target.participant !== undefined && p.sid !== this.target.participant) continue;
      for (const t of [p.publisher.transport, p.subscriber.transport]) {
        if (t && !t.closed && !this.#taps.has(t)) this.#taps.set(t, new TransportTap(t, this.file, mux.address, mux.port, tcpPort));
      }
    }
    for (const [t, tap] of this.#taps) if (t.closed) { tap.remove(); this.#taps.delete(t); }
  }

  /** Restores every transport, writes the rest of the file and closes it. */
  stop(): Promise<CaptureFileStats> {
    this.#stopped = true;
    for (const tap of this.#taps.values()) tap.remove();
    this.#taps.clear();
    return this.file.close();
  }
}

export function captureKey(t: CaptureTarget): string {
  return t.participant === undefined ? t.room : `${t.room}/${t.participant}`;
}
