// Walks a capture's frames and hands out every datagram a WebRTC peer sent, however it
// travelled: UDP direct, RFC 4571 framed over TCP (ICE-TCP), or relayed through TURN
// (ChannelData, Send / Data indications) over UDP or TCP. Relayed datagrams are given
// the addresses of the relay's two ends that matter, the client and its peer (the
// XOR-PEER-ADDRESS; for ChannelData the peer bound by a ChannelBind seen earlier), and
// name the TURN server in `relay`. TURN control messages and ICE checks come out as
// datagrams of their own carrier too (kind tells them apart for the caller).
import type { CaptureReader } from './capture-reader.js';
import { PcapStatus } from './status.js';
import { UdpFlow, UdpLocation, locateUdp } from './udp-locator.js';
import { TcpLocation, locateTcp } from './tcp-segment.js';
import { TcpReassembler, type TcpStream, type TcpReassemblerOptions } from './tcp-reassembler.js';
import { StreamDeframer, Framing, newDeframerCounts } from './stream-deframer.js';
import { TurnMessage, TurnKind, parseTurn } from './turn-unwrap.js';
import { u32ToIpv4 } from './ipv4-udp.js';
import { bytesToIpv6 } from './ipv6.js';

/** Bounds on what a capture can make the demux remember. */
const MAX_SERVERS = 1024, MAX_CHANNELS = 65536;

export const Carrier = { UDP: 0, TCP: 1, TURN_UDP: 2, TURN_TCP: 3 } as const;
export const CARRIER_NAMES = ['udp', 'tcp', 'turn-udp', 'turn-tcp'];

/** One datagram handed out by MediaDemux (valid during the callback). */
export class MediaPacket {
  carrier: number = Carrier.UDP;
  /** Addresses: the outer UDP / TCP ones, or client <-> peer for relayed data. */
  readonly flow = new UdpFlow();
  /** For relayed data: the TURN server "ip:port" (TURN messages: the outer tuple's server end); '' otherwise. */
  relay = '';
  /** ChannelData channel (0 for Send / Data indications and direct traffic). */
  channel = 0;
  /** Relayed data whose peer is unknown (ChannelData on a channel whose ChannelBind was not captured): flow is the outer tuple. */
  peerUnknown = false;
  /** A TURN message that carries no client data (Allocate, Refresh, ChannelBind, ...): payload is the message. */
  turnControl = false;
  buf: Buffer = Buffer.alloc(0);
  off = 0;
  len = 0;
  /** Time of the frame that completed it. */
  sec = 0;
  ns = 0;
  tsUs = 0;
}

export interface DemuxCounts {
  frames: number;
  udp: number;
  tcp: number;
  /** Neither UDP nor TCP over IP (or an unknown link type). */
  other: number;
  fragments: number;
  badLength: number;
  channelData: number;
  sendIndications: number;
  dataIndications: number;
  channelBinds: number;
  /** ChannelData on a channel never bound in the capture. */
  unknownChannel: number;
  /** Datagrams found in TCP streams. */
  tcpFrames: number;
  /** TCP streams that were neither RFC 4571 nor TURN framed (their bytes are ignored). */
  tcpUnframedStreams: number;
  /** Bytes the deframers skipped resynchronising. */
  tcpSkippedBytes: number;
  tcpResyncs: number;
}

/** Per TCP direction: its deframer. */
interface StreamState { deframer: StreamDeframer; }

export class MediaDemux {
  readonly counts: DemuxCounts = { frames: 0, udp: 0, tcp: 0, other: 0, fragments: 0, badLength: 0, channelData: 0, sendIndications: 0, dataIndications: 0, channelBinds: 0, unknownChannel: 0, tcpFrames: 0, tcpUnframedStreams: 0, tcpSkippedBytes: 0, tcpResyncs: 0 };
  readonly tcp: TcpReassembler<StreamState>;
  /** The outer UDP datagram of the current frame (valid when add() returned UDP). */
  readonly udp = new UdpLocation();
  private readonly seg = new TcpLocation();
  private readonly pkt = new MediaPacket();
  private readonly turn = new TurnMessage();
  /** "client|server|channel" -> peer flow (client as source). */
  private readonly channels = new Map<string, UdpFlow>();
  /** TURN server endpoints seen (to name the relay of ChannelData on a channel bound before the capture). */
  private readonly servers = new Set<string>();
  /** Totals over every TCP stream's deframer. */
  readonly framing = newDeframerCounts();
  private cur: TcpStream<StreamState> | null = null;
  private sec = 0;
  private ns = 0;
  private tsUs = 0;

  constructor(private readonly onPacket: (p: MediaPacket) => void, tcpOpts: TcpReassemblerOptions = {}) {
    this.tcp = new TcpReassembler<StreamState>(
      (s, b, o, l) => { this.cur = s; this.state(s).deframer.push(b, o, l); },
      (s) => this.state(s).deframer.gap(),
      tcpOpts,
    );
  }

  /**
   * Account the reader's current frame. Returns DemuxResult: DIRECT (a plain UDP datagram,
   * handed out as it is), REPLACED (what it carried was handed out unwrapped: TURN data,
   * or TCP payload of a framed stream, possibly later), or PASS (nothing handed out).
   */
  add(r: CaptureReader): number {
    const c = this.counts;
    c.frames++;
    this.sec = r.ts.sec; this.ns = r.ts.ns; this.tsUs = r.tsUs;
    const b = r.buf, u = this.udp;
    let s = locateUdp(b, r.dataOffset, r.capturedLength, r.linkType, u);
    if (s === PcapStatus.OK) {
      c.udp++;
      return this.datagram(b, u.payloadOffset, u.payloadLength, u, Carrier.UDP) ? DemuxResult.REPLACED : DemuxResult.DIRECT;
    }
    if (s === PcapStatus.NOT_UDP) {
      const t = this.seg;
      s = locateTcp(b, r.dataOffset, r.capturedLength, r.linkType, t);
      if (s === PcapStatus.OK) {
        c.tcp++;
        const st = this.tcp.segment(b, t);
        const framing = st.user?.deframer.framing;
        return t.payloadLength > 0 && framing !== Framing.NONE ? DemuxResult.REPLACED : DemuxResult.PASS;
      }
    }
    if (s === PcapStatus.FRAGMENT) c.fragments++; else if (s === PcapStatus.NOT_UDP) c.other++; else c.badLength++;
    return DemuxResult.PASS;
  }

  /** End of the capture: TCP bytes held behind holes come out (stamped with the last frame's time). */
  finish(): void {
    this.tcp.finish();
    let pending = 0;
    for (const s of this.tcp.streams.values()) {
      if (!s.user) continue;
      this.cur = s;
      s.user.deframer.end();
      pending += s.user.deframer.pendingBytes;
    }
    const f = this.framing, c = this.counts;
    c.tcpUnframedStreams = f.unframed; c.tcpSkippedBytes = f.skippedBytes + pending; c.tcpResyncs = f.resyncs;
  }

  private state(s: TcpStream<StreamState>): StreamState {
    if (!s.user) {
      const d = new StreamDeframer((buf, off, len, framing) => {
        this.counts.tcpFrames++;
        const st = this.cur!;
        this.pkt.channel = 0;
        if (framing === Framing.TURN) this.datagram(buf, off, len, st.flow, Carrier.TCP, true);
        else this.emit(Carrier.TCP, st.flow, buf, off, len, '');
      }, this.framing);
      s.user = { deframer: d };
    }
    return s.user;
  }

  /**
   * A datagram (UDP payload or a TURN-over-TCP frame) between `outer`'s ends. TURN data
   * is unwrapped; returns true when it was TURN (so the outer frame is replaced).
   */
  private datagram(b: Buffer, off: number, len: number, outer: UdpFlow, carrier: number, turnFramed = false): boolean {
    const m = this.turn, c = this.counts;
    const kind = parseTurn(b, off, len, m, !turnFramed);
    const relayed = carrier === Carrier.UDP ? Carrier.TURN_UDP : Carrier.TURN_TCP;
    const p = this.pkt;
    p.channel = 0;
    if (kind === TurnKind.NONE) {
      if (turnFramed) { this.emit(relayed, outer, b, off, len, endpoint(outer, false), true); return true; }
      this.emit(carrier, outer, b, off, len, '');
      return false;
    }
    if (kind === TurnKind.CHANNEL_BIND) {
      c.channelBinds++;
      if (this.servers.size < MAX_SERVERS) this.servers.add(endpoint(outer, false));
      const peer = new UdpFlow();
      setPeer(peer, outer, m, true);
      if (this.channels.size >= MAX_CHANNELS) this.channels.delete(this.channels.keys().next().value as string); // oldest binding
      this.channels.set(`${endpoint(outer, true)}|${endpoint(outer, false)}|${m.channel}`, peer);
      // over UDP the bind stays an ordinary datagram; over TCP every frame is unwrapped
      if (carrier === Carrier.UDP) { this.emit(carrier, outer, b, off, len, ''); return false; }
      this.emit(relayed, outer, b, off, len, endpoint(outer, false), true);
      return true;
    }
    if (kind === TurnKind.CHANNEL_DATA) {
      c.channelData++;
      // client -> server, or server -> client (then the client is the destination)
      let peer = this.channels.get(`${endpoint(outer, true)}|${endpoint(outer, false)}|${m.channel}`);
      let toClient = false;
      if (!peer) { peer = this.channels.get(`${endpoint(outer, false)}|${endpoint(outer, true)}|${m.channel}`); toClient = peer !== undefined; }
      p.channel = m.channel;
      if (!peer) {
        c.unknownChannel++;
        // the relay is the end known as a TURN server, else the one on a TURN port, else the destination
        const src = endpoint(outer, true);
        const fromServer = this.servers.has(src) || (!this.servers.has(endpoint(outer, false)) && (outer.srcPort === 3478 || outer.srcPort === 5349));
        this.emit(relayed, outer, b, m.dataOffset, m.dataLength, fromServer ? src : endpoint(outer, false), false, true);
        return true;
      }
      const f = p.flow;
      if (toClient) { copyFlow(f, peer); swap(f); } else copyFlow(f, peer);
      this.emitFlow(relayed, b, m.dataOffset, m.dataLength, toClient ? endpoint(outer, true) : endpoint(outer, false));
      return true;
    }
    // Send (client -> server: client is the source) or Data (server -> client)
    if (kind === TurnKind.SEND) c.sendIndications++; else c.dataIndications++;
    const toClient = kind === TurnKind.DATA;
    if (this.servers.size < MAX_SERVERS) this.servers.add(endpoint(outer, toClient));
    setPeer(p.flow, outer, m, !toClient);
    this.emitFlow(relayed, b, m.dataOffset, m.dataLength, endpoint(outer, toClient));
    return true;
  }

  private emit(carrier: number, flow: UdpFlow, b: Buffer, off: number, len: number, relay: string, control = false, unknown = false): void {
    copyFlow(this.pkt.flow, flow);
    this.pkt.turnControl = control;
    this.pkt.peerUnknown = unknown;
    this.out(carrier, b, off, len, relay);
  }

  private emitFlow(carrier: number, b: Buffer, off: number, len: number, relay: string): void {
    this.pkt.turnControl = false;
    this.pkt.peerUnknown = false;
    this.out(carrier, b, off, len, relay);
  }

  private out(carrier: number, b: Buffer, off: number, len: number, relay: string): void {
    const p = this.pkt;
    p.carrier = carrier; p.relay = relay; p.buf = b; p.off = off; p.len = len;
    p.sec = this.sec; p.ns = this.ns; p.tsUs = this.tsUs;
    this.onPacket(p);
  }
}

export const DemuxResult = { PASS: 0, DIRECT: 1, REPLACED: 2 } as const;

/** "ip:port" of a flow's source (src) or destination. */
export function endpoint(f: UdpFlow, src: boolean): string {
  const ip = f.ipVersion === 4 ? u32ToIpv4(src ? f.srcIp : f.dstIp) : `[${bytesToIpv6(src ? f.src6 : f.dst6)}]`;
  return `${ip}:${src ? f.srcPort : f.dstPort}`;
}

/**
 * out = the client's end of `outer` and the peer of `m`; the client is outer's source
 * when clientIsSrc. A peer of the other IP version than the client keeps the outer
 * addresses (a UdpFlow has one version) and only takes the peer's port.
 */
function setPeer(out: UdpFlow, outer: UdpFlow, m: TurnMessage, clientIsSrc: boolean): void {
  copyFlow(out, outer);
  if (!clientIsSrc) swap(out);
  if (m.peerFamily === outer.ipVersion) {
    if (m.peerFamily === 4) out.dstIp = m.peerIp; else out.dst6.set(m.peer6);
  }
  out.dstPort = m.peerPort;
  if (!clientIsSrc) swap(out);
}

function copyFlow(d: UdpFlow, s: UdpFlow): void {
  d.ipVersion = s.ipVersion; d.srcIp = s.srcIp; d.dstIp = s.dstIp; d.srcPort = s.srcPort; d.dstPort = s.dstPort;
  if (s.ipVersion === 6) { d.src6.set(s.src6); d.dst6.set(s.dst6); }
}

const tmp6 = new Uint8Array(16);
function swap(f: UdpFlow): void {
  let t = f.srcIp; f.srcIp = f.dstIp; f.dstIp = t;
  t = f.srcPort; f.srcPort = f.dstPort; f.dstPort = t;
  tmp6.set(f.src6); f.src6.set(f.dst6); f.dst6.set(tmp6);
}
