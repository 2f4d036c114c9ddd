// `pcap info`: walk a capture, find the UDP flows that carry RTP or RTCP, and keep
// per-flow, per-SSRC statistics (RtpStreamStats) plus RTCP packet counts by type.
// Streams are keyed like tshark's RTP streams: source / destination address + port, SSRC.
import { RtpView, RtcpCompoundView, RtpStatus } from '../rtp/index.js';
import { CaptureReader } from './capture-reader.js';
import { PcapStatus } from './status.js';
import { UdpLocation, locateUdp } from './udp-locator.js';
import { bytesToIpv6 } from './ipv6.js';
import { u32ToIpv4 } from './ipv4-udp.js';
import { classifyRtp, defaultClockRate, UdpKind } from './rtp-detect.js';
import { RtpStreamStats } from './rtp-stream-stats.js';

export interface RtpInfoOptions {
  /** Only UDP datagrams with this source or destination port (and: treat them as RTP/RTCP). */
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
  constructor(readonly src: string, readonly srcPort: number, readonly dst: string, readonly dstPort: number) {}
}

export interface CaptureCounts {
  packets: number;
  udp: number;
  rtp: number;
  rtcp: number;
  fragments: number;
  notUdp: number;
  badLength: number;
}

export class RtpCaptureInfo {
  readonly flows = new Map<string, UdpRtpFlow>();
  readonly counts: CaptureCounts = { packets: 0, udp: 0, rtp: 0, rtcp: 0, fragments: 0, notUdp: 0, badLength: 0 };
  private readonly loc = new UdpLocation();
  private readonly rtp = new RtpView();
  private readonly rtcp = new RtcpCompoundView();

  constructor(private readonly opts: RtpInfoOptions = {}) {}

  /** Account the reader's current packet. */
  add(r: CaptureReader): void {
    const c = this.counts, loc = this.loc, b = r.buf;
    c.packets++;
    const s = locateUdp(b, r.dataOffset, r.capturedLength, r.linkType, loc);
    if (s !== PcapStatus.OK) {
      if (s === PcapStatus.FRAGMENT) c.fragments++; else if (s === PcapStatus.NOT_UDP) c.notUdp++; else c.badLength++;
      return;
    }
    c.udp++;
    const port = this.opts.port;
    if (port !== undefined && loc.srcPort !== port && loc.dstPort !== port) return;
    const off = loc.payloadOffset, len = loc.payloadLength;
    const kind = classifyRtp(b, off, len);
    if (kind === UdpKind.OTHER) return;
    const flow = this.flow(loc);
    if (kind === UdpKind.RTCP) {
      c.rtcp++;
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
    c.rtp++;
    const ssrc = v.ssrc;
    let st = flow.ssrcs.get(ssrc);
    if (!st) { st = new RtpStreamStats(ssrc); flow.ssrcs.set(ssrc, st); }
    const pt = v.payloadType;
    st.add(r.tsUs, v.sequenceNumber, v.timestamp, pt, len, this.opts.clockRates?.get(pt) ?? defaultClockRate(pt));
  }

  /** Read a whole capture; returns the reader's final status (END or an error). */
  addAll(r: CaptureReader): number {
    let s: number;
    while ((s = r.next()) === PcapStatus.OK) this.add(r);
    return s;
  }

  private flow(l: UdpLocation): UdpRtpFlow {
    const src = l.ipVersion === 4 ? u32ToIpv4(l.srcIp) : bytesToIpv6(l.src6);
    const dst = l.ipVersion === 4 ? u32ToIpv4(l.dstIp) : bytesToIpv6(l.dst6);
    const key = `${src}|${l.srcPort}|${dst}|${l.dstPort}`;
    let f = this.flows.get(key);
    if (!f) { f = new UdpRtpFlow(src, l.srcPort, dst, l.dstPort); this.flows.set(key, f); }
    return f;
  }
}
