// Publishing a rid-based simulcast video m-line (Chromium `sendEncodings` with rids): no
// SSRCs in the SDP, so the track starts with no layer Receivers; SimulcastDemux makes
// one on the first packet of each new SSRC from its rid header extension. The layer
// Receivers are registered with the publisher's RTCP router (SRs, our RR blocks, PLIs
// with the layer's SSRC, held keyframe requests in its tick). Each layer's RTX stream is
// mapped the same way, by its repaired-rid extension, so the layers NACK upstream (when
// the publisher negotiated nack) and unwrap the retransmissions.
import { EXT, type NegotiatedCodec, type NegotiatedMedia } from '../../sdp/index.js';
import { Receiver, SimulcastReceiver, type PublisherRtcp, type ReceiverCodec, type RtcpSink, type SimulcastDemux } from '../../sfu/index.js';

/** The rids of a simulcast m-line in the order the sender listed them (first alternative of each stream). */
export function simulcastRids(m: NegotiatedMedia): string[] {
  const sim = m.streams.simulcast;
  if (sim && sim.length) return sim.map((alts) => alts[0]!.rid);
  return m.streams.rids.map((r) => r.id);
}

/** True for a video m-line sent as rid simulcast (2+ rids) with no SSRC announced. */
export function isRidSimulcast(m: NegotiatedMedia): boolean {
  return m.kind === 'video' && m.streams.ssrcs.length === 0 && simulcastRids(m).length >= 2 && m.headerExtensions[EXT.rid] !== undefined;
}

export function createSimulcastReceiver(o: {
  trackId: string; m: NegotiatedMedia; codec: ReceiverCodec; upstream: RtcpSink; rtcp: PublisherRtcp; demux: SimulcastDemux;
  /** The m-line's negotiated codec (its nack feedback and RTX payload type). */
  negotiated?: NegotiatedCodec;
}): SimulcastReceiver {
  const { m, rtcp } = o;
  const nc = o.negotiated;
  // Upstream NACK only where the publisher negotiated it (it then retransmits on the layer's RTX stream).
  const upstreamNack = nc !== undefined && nc.rtcpFeedback.some((f) => f.type === 'nack' && f.parameter === undefined);
  const sim = new SimulcastReceiver({
    trackId: o.trackId, codec: o.codec, rids: simulcastRids(m),
    factory: (_s, _rid, ssrc) => {
      const r = new Receiver({ trackId: o.trackId, kind: 'video', ssrc, codec: o.codec, upstream: o.upstream, rtcpSsrc: rtcp.rtcpSsrc, nack: true, upstreamNack });
      rtcp.add(r);
      return r;
    },
  });
  const rrId = m.headerExtensions[EXT.repairedRid];
  o.demux.add(m.mid, sim, {
    mid: m.headerExtensions[EXT.mid], rid: m.headerExtensions[EXT.rid], repairedRid: rrId,
    ...(nc?.rtxPayloadType !== undefined ? { rtxPt: nc.rtxPayloadType } : {}),
  });
  return sim;
}

/** Undoes createSimulcastReceiver's registrations (the caller closes the track). */
export function removeSimulcastReceiver(sim: SimulcastReceiver, mid: string, rtcp: PublisherRtcp, demux: SimulcastDemux): void {
  demux.remove(mid);
  for (const r of sim.layers) if (r) rtcp.remove(r);
}
