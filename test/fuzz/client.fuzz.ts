// Fuzz targets for the client-side SDP readers, which parse what a server sends: the
// publisher answer and the subscriber offer. Mutated server-made SDPs may only fail with
// SdpError or ClientError (never a TypeError/RangeError).
import type { FuzzTarget } from './harness.js';
import { SdpError, SubscriberOffers, answerOffer } from '../../src/sdp/index.js';
import { ClientError, answerSubscriberOffer, buildPublisherOffer, readPublisherAnswer } from '../../src/client/index.js';

const FP = { algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') };
const client = { iceUfrag: 'clnt', icePwd: 'clientpasswordclientpass', fingerprints: [FP], candidate: { address: '127.0.0.1', port: 40000 } };
const server = { iceUfrag: 'srvr', icePwd: 'serverpasswordserverpass', fingerprints: [FP], candidates: [{ address: '127.0.0.1', port: 7882 }], sessionId: '1' };

function typedOnly(fn: () => void): void {
  try { fn(); } catch (e) { if (!(e instanceof SdpError) && !(e instanceof ClientError)) throw e; }
}

function publisherAnswers(): Buffer[] {
  const offer = buildPublisherOffer({ ...client, streamId: 'PA_f', tracks: [{ cid: 'a', ssrc: 1 }, { cid: 'b', ssrc: 2 }], sessionId: '7' });
  return [Buffer.from(answerOffer(offer, server).sdp)];
}

function subscriberOffers(): Buffer[] {
  const t = (id: string, ssrc: number, kind: 'audio' | 'video') => ({
    trackId: id, streamId: 'PA_1', kind, codecs: kind === 'audio' ? [{ name: 'opus', clockRate: 48000, channels: 2 }] : [{ name: 'VP8', clockRate: 90000 }],
    ssrc, ...(kind === 'video' ? { rtxSsrc: ssrc + 1 } : {}), cname: 'c',
  });
  return [
    Buffer.from(new SubscriberOffers({ sessionId: '9' }).createOffer({ ...server, tracks: [t('TR_a', 10, 'audio'), t('TR_v', 20, 'video')], dataChannel: true }).sdp),
    Buffer.from(new SubscriberOffers({ sessionId: '9' }).createOffer({ ...server, tracks: [t('TR_a', 10, 'audio')] }).sdp),
  ];
}

export const targets: FuzzTarget[] = [
  { name: 'client.readPublisherAnswer', seeds: publisherAnswers, run: (b) => typedOnly(() => { readPublisherAnswer(b.toString('latin1')); }) },
  { name: 'client.answerSubscriberOffer', seeds: subscriberOffers, run: (b) => typedOnly(() => { answerSubscriberOffer(b.toString('latin1'), client); }) },
];
