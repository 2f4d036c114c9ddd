// Client hot paths (hundreds of synthetic participants per thread): writing one Opus RTP
// packet with audio-level, transport-cc, abs-capture-time and mid into a scratch buffer,
// and counting one received packet (view + abs-capture-time + RFC 3550 stats).
import { RtpPacket } from 'werift-rtp';
import type { MicroCase } from './case.js';
import { OpusSender, TrackReceiveStats, encodeSpeech, NTP_UNIX_OFFSET_MS, wallMs } from '../../src/client/index.js';
import { RtpView, readAbsCaptureTimeMs, writeRtpPacket } from '../../src/rtp/index.js';

const speech = encodeSpeech();
const scratch = Buffer.alloc(1500);
const sender = new OpusSender({
  speech, ssrc: 0x1234, payloadType: 111, audioLevelId: 1, transportCcId: 3, midId: 4, absCaptureTimeId: 5, mid: '0',
  dtx: false, seed: 1, twcc: { seq: 0 }, send: () => true,
});
let frame = 0, seq = 0;

const pkt = Buffer.from(scratch.subarray(0, sender.writePacket(scratch, performance.now())));
const work = Buffer.alloc(1500);
pkt.copy(work, 0);
const view = new RtpView();
const stats = new TrackReceiveStats({ ssrc: 0x1234, trackSid: 'TR', publisherSid: 'PA', clockRate: 48000, absCaptureTimeId: 5, audioLevelId: 1 });
let t = 0;

export const cases: MicroCase[] = [
  {
    name: 'client: OpusSender.writePacket (4 header extensions + Opus payload)',
    fn: () => { sender.writePacket(scratch, 1000); },
    baseline: {
      name: 'writeRtpPacket with per-packet extension objects',
      fn: () => {
        const f = frame++ % speech.count;
        const ms = wallMs(1000) + NTP_UNIX_OFFSET_MS;
        const cap = Buffer.alloc(8);
        cap.writeUInt32BE(Math.floor(ms / 1000) >>> 0, 0);
        writeRtpPacket(scratch, 0, {
          payloadType: 111, sequenceNumber: seq++ & 0xffff, timestamp: (seq * 960) >>> 0, ssrc: 0x1234,
          extensions: [{ id: 1, value: Uint8Array.of(speech.levels[f]!) }, { id: 3, value: Uint8Array.of(seq >> 8, seq) }, { id: 5, value: cap }, { id: 4, value: Buffer.from('0') }],
        }, speech.data.subarray(speech.offsets[f]!, speech.offsets[f]! + speech.lengths[f]!));
      },
    },
  },
  {
    name: 'client: receive count (RtpView + abs-capture-time + RFC 3550 loss/jitter/latency)',
    fn: () => {
      const q = (t++) & 0xffff;
      work[2] = q >>> 8; work[3] = q & 0xff;
      view.reset(work, 0, pkt.length);
      stats.onRtp(view, 1000 + t * 20);
    },
    baseline: {
      name: 'werift-rtp RtpPacket.deSerialize + same stats',
      fn: () => {
        pkt.copy(work, 0);
        work.writeUInt16BE((t++) & 0xffff, 2);
        const p = RtpPacket.deSerialize(work.subarray(0, pkt.length));
        const e = p.header.extensions.find((x) => x.id === 5);
        stats.onPacket(p.header.sequenceNumber, p.header.timestamp, p.payload.length, 1000 + t * 20, e ? readAbsCaptureTimeMs(e.payload, 0) : NaN);
      },
    },
  },
];
