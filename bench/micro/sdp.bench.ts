// SDP is signalling-path work (once per negotiation), not per packet; these numbers say
// what a join costs. Baseline: werift's SessionDescription.parse on the same text.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { MicroCase } from './case.js';
import { answerOffer, parseSdp, serializeSdp, createOffer } from '../../src/sdp/index.js';

const require = createRequire(import.meta.url);
const { SessionDescription } = require('werift') as { SessionDescription: { parse(s: string): unknown } };
const offer = readFileSync(new URL('../../fixtures/sdp/samples/chrome-audio-video.sdp', import.meta.url), 'utf8');
const parsed = parseSdp(offer);
const params = {
  iceUfrag: 'benc', icePwd: 'benchbenchbenchbenchbench',
  fingerprints: [{ algorithm: 'sha-256', value: 'AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99' }],
  candidates: [{ address: '127.0.0.1', port: 40000 }], sessionId: '1',
};
const tracks = [
  { trackId: 'A', streamId: 'S', kind: 'audio' as const, codecs: [{ name: 'opus', clockRate: 48000, channels: 2 }], ssrc: 1, cname: 'c' },
  { trackId: 'V', streamId: 'S', kind: 'video' as const, codecs: [{ name: 'VP8', clockRate: 90000 }], ssrc: 2, rtxSsrc: 3, cname: 'c' },
];

export const cases: MicroCase[] = [
  { name: 'sdp parse chrome audio+video offer (5.8 kB)', fn: () => { parseSdp(offer); }, baseline: { name: 'werift SessionDescription.parse', fn: () => { SessionDescription.parse(offer); } } },
  { name: 'sdp serialize chrome audio+video offer', fn: () => { serializeSdp(parsed); } },
  { name: 'sdp answerOffer chrome audio+video (parse+answer+serialize)', fn: () => { answerOffer(offer, params); } },
  { name: 'sdp createOffer subscriber audio+video', fn: () => { createOffer({ ...params, tracks }); } },
];
