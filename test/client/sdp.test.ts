// The client-side SDP builders against the server side in src/sdp: our publisher offer
// is answered by answerOffer, our answer to a SubscriberOffers offer is accepted by
// applyAnswer, and what we read back from each matches what the server negotiated.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EXT, SubscriberOffers, answerOffer, parseSdp } from '../../src/sdp/index.js';
import { answerSubscriberOffer, buildPublisherOffer, readPublisherAnswer, ClientError } from '../../src/client/index.js';

const FP = { algorithm: 'sha-256', value: Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).toUpperCase().padStart(2, '0')).join(':') };
const SERVER_FP = { algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') };
const client = { iceUfrag: 'clnt', icePwd: 'clientpasswordclientpass', fingerprints: [FP], candidate: { address: '127.0.0.1', port: 40000 } };
const server = { iceUfrag: 'srvr', icePwd: 'serverpasswordserverpass', fingerprints: [SERVER_FP], candidates: [{ address: '127.0.0.1', port: 7882 }] };

test('publisher offer: the server answers it, one recvonly opus track per m-line with our extension ids', () => {
  const offer = buildPublisherOffer({ ...client, streamId: 'PA_x', tracks: [{ cid: 'mic-a', ssrc: 1111 }, { cid: 'mic-b', ssrc: 2222 }], dtx: true });
  const res = answerOffer(offer, server);
  const n = res.negotiated;
  assert.is(n.media.length, 2);
  assert.is(n.dtlsRole, 'server', 'the server is the DTLS server: our actpass is answered passive');
  assert.equal(n.remoteIce, { ufrag: 'clnt', pwd: 'clientpasswordclientpass', options: [], lite: false });
  assert.equal(n.remoteFingerprints, [FP]);
  assert.equal(n.bundleMids, ['0', '1']);
  for (const [i, m] of n.media.entries()) {
    assert.is(m.mid, String(i));
    assert.is(m.kind, 'audio');
    assert.is(m.direction, 'recvonly');
    assert.is(m.codecs[0]!.name.toLowerCase(), 'opus');
    assert.is(m.codecs[0]!.payloadType, 111);
    assert.is(m.codecs[0]!.clockRate, 48000);
    assert.is(m.headerExtensions[EXT.audioLevel], 1);
    assert.is(m.headerExtensions[EXT.transportCc], 3);
    assert.is(m.headerExtensions[EXT.mid], 4);
    assert.is(m.headerExtensions[EXT.absCaptureTime], 5);
    assert.is(m.streams.ssrcs[0]!.ssrc, i === 0 ? 1111 : 2222);
    assert.is(m.streams.msid?.trackId, i === 0 ? 'mic-a' : 'mic-b', 'the msid track id is the AddTrack cid');
  }
  assert.match(offer, /a=fmtp:111 minptime=10;useinbandfec=1;usedtx=1\r\n/);
  assert.match(offer, /a=candidate:1 1 udp \d+ 127\.0\.0\.1 40000 typ host/);
  // And what the client reads back from the answer.
  const a = readPublisherAnswer(res.sdp);
  assert.is(a.dtlsRole, 'client');
  assert.is(a.remote.iceUfrag, 'srvr');
  assert.equal(a.remote.fingerprints, [SERVER_FP]);
  assert.equal(a.remote.candidates.map((c) => [c.address, c.port]), [['127.0.0.1', 7882]]);
  assert.equal(a.media.map((m) => [m.mid, m.accepted, m.payloadType, m.audioLevelId, m.transportCcId, m.midId, m.absCaptureTimeId]), [
    ['0', true, 111, 1, 3, 4, 5], ['1', true, 111, 1, 3, 4, 5],
  ]);
});

test('publisher offer with setup active is answered passive too', () => {
  const offer = buildPublisherOffer({ ...client, setup: 'active', streamId: 's', tracks: [{ cid: 'c', ssrc: 5 }] });
  assert.is(answerOffer(offer, server).negotiated.dtlsRole, 'server');
});

test('publisher offer needs a track', () => {
  assert.throws(() => buildPublisherOffer({ ...client, streamId: 's', tracks: [] }), (e: unknown) => e instanceof ClientError && e.code === 'bad-params');
});

test('subscriber answer: the server applies it; we read track sid, publisher sid and SSRC per m-line', () => {
  const offers = new SubscriberOffers();
  const tracks = [
    { trackId: 'TR_a', streamId: 'PA_1', kind: 'audio' as const, codecs: [{ name: 'opus', clockRate: 48000, channels: 2 }], ssrc: 0x1234, cname: 'PA_1' },
    { trackId: 'TR_b', streamId: 'PA_2', kind: 'audio' as const, codecs: [{ name: 'opus', clockRate: 48000, channels: 2 }], ssrc: 0x5678, cname: 'PA_2' },
  ];
  const { sdp } = offers.createOffer({ ...server, tracks });
  const ans = answerSubscriberOffer(sdp, client);
  const neg = offers.applyAnswer(ans.sdp);
  assert.is(neg.dtlsRole, 'server', 'we answered setup:active: the server stays DTLS server');
  assert.equal(neg.media.map((m) => m.direction), ['sendonly', 'sendonly']);
  assert.equal(neg.remoteIce.ufrag, 'clnt');
  assert.is(ans.dtlsRole, 'client');
  assert.is(ans.remote.iceUfrag, 'srvr');
  assert.equal(ans.media.map((m) => [m.trackSid, m.participantSid, m.ssrc, m.payloadType, m.clockRate, m.active]), [
    ['TR_a', 'PA_1', 0x1234, 111, 48000, true], ['TR_b', 'PA_2', 0x5678, 111, 48000, true],
  ]);
  const offerExt = parseSdp(sdp).media[0]!.extmaps.find((e) => e.uri === EXT.absCaptureTime)?.id ?? 0;
  assert.is(ans.media[0]!.absCaptureTimeId, offerExt);
  const parsed = parseSdp(ans.sdp);
  assert.ok(parsed.media.every((m) => m.setup === 'active' && m.direction === 'recvonly' && m.ssrcs.length === 0));
});

test('subscriber answer: a track removed in a re-offer becomes inactive and is not counted as active', () => {
  const offers = new SubscriberOffers();
  const t = (id: string, ssrc: number) => ({ trackId: id, streamId: 'PA_1', kind: 'audio' as const, codecs: [{ name: 'opus', clockRate: 48000, channels: 2 }], ssrc, cname: 'PA_1' });
  offers.applyAnswer(answerSubscriberOffer(offers.createOffer({ ...server, tracks: [t('TR_a', 1), t('TR_b', 2)] }).sdp, client).sdp);
  const second = offers.createOffer({ ...server, tracks: [t('TR_b', 2)] }).sdp;
  const ans = answerSubscriberOffer(second, client, { sessionVersion: 2 });
  const neg = offers.applyAnswer(ans.sdp);
  assert.equal(ans.media.filter((m) => m.active).map((m) => m.trackSid), ['TR_b']);
  assert.ok(neg.media.length >= 1);
});

test.run();
