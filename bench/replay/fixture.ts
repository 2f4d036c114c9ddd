// A recorded RTP stream to replay: the dominant SSRC's packets on the capture's "in"
// interface (what the server received, decrypted) with their recorded offsets, sequence
// numbers, timestamps, markers and payloads. The sender re-packetises them with its own
// SSRC, payload type and header extensions.
import { CaptureReader, PcapStatus, UdpLocation, locateUdp } from '../../src/pcap/index.js';
import { RtpView, RtpStatus } from '../../src/rtp/index.js';
import { CAPTURE_IF_IN } from '../../src/engine/capture/index.js';

export interface FixturePacket {
  /** µs since the first packet. */
  offsetUs: number;
  seq: number;
  ts: number;
  marker: boolean;
  payload: Buffer;
}

export interface Fixture {
  path: string;
  kind: 'audio' | 'video';
  codec: 'opus' | 'VP8';
  clockRate: number;
  ssrc: number;
  payloadType: number;
  packets: FixturePacket[];
  /** Recorded span, µs, and the RTP timestamp span plus one frame (to loop without a jump). */
  durationUs: number;
  tsSpan: number;
  /** Mean packet rate of the recording. */
  pps: number;
}

export function loadFixture(path: string, codec?: 'opus' | 'VP8'): Fixture {
  const r = CaptureReader.openFile(path);
  const loc = new UdpLocation();
  const view = new RtpView();
  const bySsrc = new Map<number, { pt: number; pk: (FixturePacket & { tsUs: number })[] }>();
  try {
    for (let s; (s = r.next()) !== PcapStatus.END;) {
      if (s !== PcapStatus.OK) throw r.error(s);
      if (r.format === 'pcapng' && r.interfaceId !== CAPTURE_IF_IN) continue;
      if (locateUdp(r.buf, r.dataOffset, r.capturedLength, r.linkType, loc) !== PcapStatus.OK) continue;
      const b = r.buf, o = loc.payloadOffset, n = loc.payloadLength;
      if (n < 12 || b[o]! >> 6 !== 2) continue;
      const pt = b[o + 1]! & 0x7f;
      if (pt >= 64 && pt <= 95) continue; // RTCP (RFC 5761)
      if (view.reset(b, o, n) !== RtpStatus.OK) continue;
      let e = bySsrc.get(view.ssrc);
      if (!e) { e = { pt, pk: [] }; bySsrc.set(view.ssrc, e); }
      if (pt !== e.pt) continue; // RTX / RED / padding probes on the same SSRC: not media
      e.pk.push({ tsUs: r.tsUs, offsetUs: 0, seq: view.sequenceNumber, ts: view.timestamp, marker: view.marker, payload: Buffer.from(b.subarray(view.payloadOffset, view.payloadOffset + view.payloadLength)) });
    }
  } finally {
    r.close();
  }
  let best: [number, { pt: number; pk: (FixturePacket & { tsUs: number })[] }] | undefined;
  for (const e of bySsrc) if (!best || e[1].pk.length > best[1].pk.length) best = e;
  if (!best || best[1].pk.length < 2) throw new Error(`${path}: no RTP stream on the capture's "in" interface`);
  const [ssrc, { pt, pk }] = best;
  pk.sort((a, b) => a.tsUs - b.tsUs);
  const t0 = pk[0]!.tsUs;
  for (const p of pk) p.offsetUs = p.tsUs - t0;
  const c = codec ?? (/vp8/i.test(path) || pt === 96 ? 'VP8' : 'opus');
  const clockRate = c === 'opus' ? 48000 : 90000;
  const durationUs = pk[pk.length - 1]!.offsetUs + (c === 'opus' ? 20_000 : 33_333);
  const tsSpan = ((pk[pk.length - 1]!.ts - pk[0]!.ts) >>> 0) + (c === 'opus' ? 960 : 3000);
  return {
    path, kind: c === 'opus' ? 'audio' : 'video', codec: c, clockRate, ssrc, payloadType: pt,
    packets: pk.map(({ tsUs: _t, ...p }) => p), durationUs, tsSpan, pps: pk.length / (durationUs / 1e6),
  };
}

/** A fixture from Opus frames encoded here (20 ms each): for tests that need no recording. */
export function fixtureFromFrames(frames: Buffer[], name = 'encoded speech'): Fixture {
  const packets = frames.map((payload, i) => ({ offsetUs: i * 20_000, seq: i & 0xffff, ts: (i * 960) >>> 0, marker: i === 0, payload }));
  return {
    path: name, kind: 'audio', codec: 'opus', clockRate: 48000, ssrc: 1, payloadType: 111, packets,
    durationUs: packets.length * 20_000, tsSpan: packets.length * 960, pps: 50,
  };
}
