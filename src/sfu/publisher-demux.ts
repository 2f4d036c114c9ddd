// A publisher's RTP, after SRTP, to the Receiver it belongs to — the one place that decides:
//   1. a known media SSRC (a plain track, or a simulcast layer already seen) -> its Receiver;
//   2. a known RTX SSRC -> the Receiver it repairs (unwrapped there);
//   3. otherwise the SimulcastDemux: the first packet of a new layer names its rid (mid +
//      rid extensions), the first of a layer's RTX stream names its repaired rid; the layer
//      Receiver is registered for RTCP on the way;
//   4. anything else is counted and dropped.
// Pure routing: no clock, no allocation.
import type { RtpView } from '../rtp/index.js';
import type { PublisherRtcp } from './rtcp-router.js';
import type { SimulcastDemux } from './simulcast-receiver.js';

export class PublisherDemux {
  /** Packets of an SSRC no track, layer or RTX stream claims. */
  unknownSsrc = 0;

  constructor(readonly rtcp: PublisherRtcp, readonly simulcast: SimulcastDemux) {}

  /** One RTP packet; `v` was reset on buf[0, len). */
  onRtp(buf: Buffer, v: RtpView, nowMs: number): void {
    const r = this.rtcp.get(v.ssrc);
    if (r !== undefined) { r.onRtp(buf, v, nowMs); return; }
    const rx = this.rtcp.getByRtxSsrc(v.ssrc);
    if (rx !== undefined) { rx.onRtxRtp(buf, v, nowMs); return; }
    const lr = this.simulcast.route(buf, v);
    if (lr === null) { this.unknownSsrc++; return; }
    if (lr.rtxSsrc === v.ssrc) { this.rtcp.add(lr); lr.onRtxRtp(buf, v, nowMs); } // a layer's RTX stream, just mapped
    else lr.onRtp(buf, v, nowMs);
  }
}
