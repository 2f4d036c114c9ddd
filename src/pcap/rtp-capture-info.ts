// `pcap info`: walk a capture, find the flows that carry RTP or RTCP, and keep
// per-flow, per-SSRC statistics (RtpStreamStats) plus RTCP packet counts by type.
// Streams are keyed like tshark's RTP streams: source / destination address + port, SSRC,
// and by carrier: UDP, RFC 4571 over TCP, or relayed by TURN (over UDP or TCP; then the
// addresses are the client's and its peer's, and `relay` names the TURN server).
import { RtpView, RtcpCompoundView, RtpStatus } from '../rtp/index.js';
import { CaptureReader } from './capture-reader.js';
import { PcapStatus } from './status.js';
import type { UdpFlow } from './udp-locator.js';
import { bytesToIpv6 } from './ipv6.js';
import { u32ToIpv4 } from './ipv4-udp.js';
import { MediaDemux, Carrier, type MediaPacket, type DemuxCounts } from './media-demux.js';
import type { TcpCounts } from './tcp-reassembler.js';
import { classifyRtp, defaultClockRate, UdpKind } from './rtp-detect.js';
import { RtpStreamStats } from './rtp-stream-stats.js';

export interface RtpInfoOptions {
  /** Only datagrams with this source or destination port (outer UDP / TCP, or the relayed peer's). */
  port?: number;
  /** Clock rate by payload type (overrides defaultClockRate). */
  clockRates?: ReadonlyMap<number, number>;
}

export class UdpRtpFlow {
  readonly ssrcs = new Map<number, RtpStreamStats>();
  /** RTCP sub-packet counts by packet type (200 SR, 201 RR, ...). */
  readonly rtcpByType = new Map<number, number>();
  rtcpPackets = 0;
  /** RTCP datagrams whose compound did not parse to the end (e.g. SRTCP: encrypted after the first header). */
  rtcpUnparsed = 0;
  constructor(
    readonly src: string, readonly srcPort: number, readonly dst: string, readonly dstPort: number,
    /** Carrier (udp, tcp, turn-udp, turn-tcp) and for relayed flows the TURN server "ip:port". */
    readonly carrier: number = Carrier.UDP, readonly relay = '', readonly channel = 0, readonly peerUnknown = false,
  ) {}
}

export interface CaptureCounts {
  packets: number;
  udp: number;
  tcp: number;
  rtp: number;
  rtcp: number;
  fragments: number;
  notUdp: number;
  badLength: number;
  /** Datagrams relayed through TURN (ChannelData, Send / Data indications) and found in TCP streams. */
  relayed: number;
  tcpFrames: number;
  turn: Pick<DemuxCounts, 'channelData' | 'sendIndications' | 'dataIndications' | 'channelBinds' | 'unknownChannel'>;
  tcpStreams: TcpCounts & { unframedStreams: number; skippedBytes: number; resyncs: number };
}

export class RtpCaptureInfo {
  readonly flows = new Map<string, UdpRtpFlow>();
  private rtpN = 0;
  private rtcpN = 0;
  private relayedN = 0;
  private finished = false;
  private readonly demux: MediaDemux;
  private readonly rtp = new RtpView();
  private readonly rtcp = new RtcpCompoundView();

  constructor(private readonly opts: RtpInfoOptions = {}) {
    this.demux = new MediaDemux((p) => this.packet(p));
  }

  /** What was seen so far (TCP bytes held behind holes are only accounted by finish()). */
  get counts(): CaptureCounts {
    const dm = this.demux, d = dm.counts;
    return {
      packets: d.frames, udp: d.udp, tcp: d.tcp, rtp: this.rtpN, rtcp: this.rtcpN, fragments: d.fragments, notUdp: d.other, badLength: d.badLength,
      relayed: this.relayedN, tcpFrames: d.tcpFrames,
      turn: { channelData: d.channelData, sendIndications: d.sendIndications, dataIndications: d.dataIndications, channelBinds: d.channelBinds, unknownChannel: d.unknownChannel },
      tcpStreams: { ...dm.tcp.counts, unframedStreams: d.tcpUnframedStreams, skippedBytes: d.tcpSkippedBytes, resyncs: d.tcpResyncs },
    };
  }

  /** Account the reader's current packet. */
  add(r: CaptureReader): void {
    this.demux.add(r);
  }

  /** Read a whole capture; returns the reader's final status (END or an error). Counts are final after it. */
  addAll(r: CaptureReader): number {
    let s: number;
    while ((s = r.next()) === PcapStatus.OK) this.add(r);
    this.finish();
    return s;
  }

  /** End of the capture: TCP bytes held behind holes are delivered and accounted. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.demux.finish();
  }

  private packet(p: MediaPacket): void {
    if (p.turnControl) return;
    const b = p.buf, l = p.flow;
    const port = this.opts.port;
    if (port !== undefined && l.srcPort !== port && l.dstPort !== port) return;
    const off = p.off, len = p.len;
    const kind = classifyRtp(b, off, len);
    if (kind === UdpKind.OTHER) return;
    if (p.carrier !== Carrier.UDP && p.carrier !== Carrier.TCP) this.relayedN++;
    const flow = this.flow(p);
    if (kind === UdpKind.RTCP) {
      this.rtcpN++;
      const v = this.rtcp;
      v.reset(b, off, len);
      let st: number;
      while ((st = v.next()) === RtpStatus.OK) {
        flow.rtcpPackets++;
        flow.rtcpByType.set(v.type, (flow.rtcpByType.get(v.type) ?? 0) + 1);
      }
      if (st !== RtpStatus.END) flow.rtcpUnparsed++;
      return;
    }
    const v = this.rtp;
    if (v.reset(b, off, len) !== RtpStatus.OK) {
      // SRTP keeps the header readable; only a broken header lands here
      if (len < 12) return;
    }
    this.rtpN++;
    const ssrc = v.ssrc;
    let st = flow.ssrcs.get(ssrc);
    if (!st) { st = new RtpStreamStats(ssrc); flow.ssrcs.set(ssrc, st); }
    const pt = v.payloadType;
    st.add(p.tsUs, v.sequenceNumber, v.timestamp, pt, len, this.opts.clockRates?.get(pt) ?? defaultClockRate(pt));
  }

  private flow(p: MediaPacket): UdpRtpFlow {
    const l: UdpFlow = p.flow;
    const src = l.ipVersion === 4 ? u32ToIpv4(l.srcIp) : bytesToIpv6(l.src6);
    const dst = l.ipVersion === 4 ? u32ToIpv4(l.dstIp) : bytesToIpv6(l.dst6);
    const key = `${src}|${l.srcPort}|${dst}|${l.dstPort}|${p.carrier}|${p.relay}|${p.peerUnknown ? p.channel : 0}`;
    let f = this.flows.get(key);
    if (!f) { f = new UdpRtpFlow(src, l.srcPort, dst, l.dstPort, p.carrier, p.relay, p.channel, p.peerUnknown); this.flows.set(key, f); }
    return f;
  }
}
