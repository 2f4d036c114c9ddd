// Our server <-> our client in memory: a fake clock and a link that loses, duplicates
// and reorders datagrams. Also: backoff timing, refusals, statelessness before the cookie.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { DtlsEndpoint, generateCertificate, SrtpProfile, type DtlsConnectedInfo, type DtlsEndpointOptions, type DtlsError } from '../../src/dtls/index.js';
import { buildClientHello } from '../../src/dtls/client-hello.js';
import { ExtensionType, HandshakeType } from '../../src/dtls/constants.js';
import { u16List, useSrtp } from '../../src/dtls/extensions.js';
import { parseHelloVerifyRequest } from '../../src/dtls/hello-verify-request.js';
import { handshakeRecord, message, records, rng } from './util.js';

const serverCert = generateCertificate({ commonName: 'server' });
const clientCert = generateCertificate({ commonName: 'client' });

interface Side { ep: DtlsEndpoint; info?: DtlsConnectedInfo; error?: DtlsError; data: Buffer[]; closed: number; sent: { at: number; buf: Buffer }[] }

interface LinkOpts { loss: number; dup: number; maxDelay: number; seed: number }

function pair(link: LinkOpts, extra: Partial<DtlsEndpointOptions> = {}) {
  const r = rng(link.seed);
  let now = 0;
  const queue: { at: number; to: 'server' | 'client'; buf: Buffer }[] = [];
  const mk = (role: 'server' | 'client', to: 'server' | 'client'): Side => {
    const side: Side = { data: [], closed: 0, sent: [] } as unknown as Side;
    side.ep = new DtlsEndpoint({
      role, certificate: role === 'server' ? serverCert : clientCert,
      remoteFingerprints: [role === 'server' ? clientCert.fingerprint : serverCert.fingerprint],
      initialRetransmitMs: 100, maxRetransmits: 10, peerId: 'peer',
      send: (buf, len) => {
        const copy = Buffer.from(buf.subarray(0, len));
        side.sent.push({ at: now, buf: copy });
        if (r() < link.loss) return;
        const copies = r() < link.dup ? 2 : 1;
        for (let i = 0; i < copies; i++) queue.push({ at: now + 1 + Math.floor(r() * link.maxDelay), to, buf: copy });
      },
      onConnected: (i) => { side.info = i; },
      onApplicationData: (d) => { side.data.push(Buffer.from(d)); },
      onError: (e) => { side.error = e; },
      onClosed: () => { side.closed++; },
      ...extra,
    });
    return side;
  };
  const server = mk('server', 'client');
  const client = mk('client', 'server');
  const run = (untilMs: number) => {
    for (let steps = 0; steps < 100_000; steps++) {
      queue.sort((a, b) => a.at - b.at);
      const nextMsg = queue.length ? queue[0].at : Infinity;
      const next = Math.min(nextMsg, server.ep.nextTimeoutMs(), client.ep.nextTimeoutMs());
      if (next === Infinity || next > untilMs) return;
      now = Math.max(now, next);
      if (nextMsg <= now) {
        const m = queue.shift()!;
        (m.to === 'server' ? server : client).ep.handleDatagram(m.buf, m.buf.length, now);
      }
      server.ep.tick(now);
      client.ep.tick(now);
    }
  };
  return { server, client, run, start: () => client.ep.start(now), now: () => now };
}

test('clean link: handshake completes, keys agree, application data and close_notify pass', () => {
  const p = pair({ loss: 0, dup: 0, maxDelay: 1, seed: 1 });
  p.start();
  p.run(10_000);
  assert.ok(p.server.info && p.client.info, `server ${p.server.error?.message} client ${p.client.error?.message}`);
  assert.is(p.server.info!.srtpProfile, SrtpProfile.AEAD_AES_128_GCM);
  const a = p.server.ep.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 56);
  assert.equal(a, p.client.ep.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 56));
  assert.equal(p.server.info!.srtpKeys!.localMasterKey, p.client.info!.srtpKeys!.remoteMasterKey);
  assert.equal(p.server.info!.srtpKeys!.remoteMasterSalt, p.client.info!.srtpKeys!.localMasterSalt);
  assert.equal(p.server.info!.remoteCertificate, clientCert.der);
  assert.equal(p.client.info!.remoteCertificate, serverCert.der);
  // One datagram each for flights 1, 3 and 5 from the client with the 1200-byte MTU.
  assert.is(p.client.sent.length, 3);
  p.client.ep.sendApplicationData(Buffer.from('ping'));
  p.server.ep.sendApplicationData(Buffer.from('pong'));
  p.run(20_000);
  assert.is(p.server.data.map(String).join(), 'ping');
  assert.is(p.client.data.map(String).join(), 'pong');
  p.client.ep.close();
  p.run(30_000);
  assert.is(p.server.ep.state, 'closed');
  assert.is(p.server.closed, 1);
  assert.is(p.server.error, undefined);
});

let lossyRetransmits = 0;
for (let seed = 1; seed <= 12; seed++) {
  test(`lossy, duplicating, reordering link (seed ${seed}): handshake completes with equal keys`, () => {
    const p = pair({ loss: 0.3, dup: 0.2, maxDelay: 80, seed }, { mtu: 300 });
    p.start();
    p.run(120_000);
    assert.ok(p.server.info && p.client.info, `seed ${seed}: server ${p.server.error?.message ?? p.server.ep.state} client ${p.client.error?.message ?? p.client.ep.state}`);
    assert.equal(p.server.ep.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 56), p.client.ep.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 56));
    for (const s of p.client.sent) assert.ok(s.buf.length <= 300, 'mtu respected');
    lossyRetransmits += p.client.sent.length - 3;
  });
}

test('the lossy runs above really retransmitted', () => {
  assert.ok(lossyRetransmits > 12, `only ${lossyRetransmits} extra client datagrams`);
});

test('retransmission backoff: 100, 200, 400, 800 ms then timeout error; capped by maxRetransmitMs', () => {
  const sent: number[] = [];
  let now = 0;
  let err: DtlsError | undefined;
  let closed = 0;
  const ep = new DtlsEndpoint({ role: 'client', certificate: clientCert, initialRetransmitMs: 100, maxRetransmits: 4, send: () => { sent.push(now); }, onError: (e) => { err = e; }, onClosed: () => { closed++; } });
  ep.start(0);
  for (let i = 0; i < 50 && ep.state !== 'closed'; i++) { now = ep.nextTimeoutMs(); ep.tick(now); }
  assert.equal(sent, [0, 100, 300, 700, 1500]);
  assert.is(err?.code, 'handshake-timeout');
  assert.is(now, 3100);
  assert.is(closed, 1);
  const sent2: number[] = [];
  now = 0;
  const ep2 = new DtlsEndpoint({ role: 'client', certificate: clientCert, initialRetransmitMs: 1000, maxRetransmitMs: 3000, maxRetransmits: 5, send: () => { sent2.push(now); } });
  ep2.start(0);
  for (let i = 0; i < 50 && ep2.state !== 'closed'; i++) { now = ep2.nextTimeoutMs(); ep2.tick(now); }
  assert.equal(sent2, [0, 1000, 3000, 6000, 9000, 12000]);
  assert.is(ep.nextTimeoutMs(), Infinity);
});

function serverEndpoint(extra: Partial<DtlsEndpointOptions> = {}) {
  const out: Buffer[] = [];
  let err: DtlsError | undefined;
  const ep = new DtlsEndpoint({ role: 'server', certificate: serverCert, peerId: 'p', send: (b, l) => { out.push(Buffer.from(b.subarray(0, l))); }, onError: (e) => { err = e; }, ...extra });
  return { ep, out, err: () => err };
}

function hello(cookie: Buffer, exts: [number, Buffer][], random = Buffer.alloc(32, 3)) {
  return buildClientHello({ version: 0xfefd, random, sessionId: Buffer.alloc(0), cookie, cipherSuites: [0xc02b] }, exts);
}

const goodExts = (): [number, Buffer][] => [
  [ExtensionType.extendedMasterSecret, Buffer.alloc(0)],
  [ExtensionType.supportedGroups, u16List([23])],
  [ExtensionType.signatureAlgorithms, u16List([0x0403])],
  [ExtensionType.useSrtp, useSrtp([1])],
];

test('server is stateless before the cookie: HVR echoes message_seq and record seq, nothing kept', () => {
  const s = serverEndpoint();
  s.ep.handleDatagram(handshakeRecord(HandshakeType.clientHello, 0, hello(Buffer.alloc(0), goodExts()), 7), 1 << 20, 0);
  assert.is(s.out.length, 1);
  const rec = records(s.out[0])[0];
  assert.is(rec.seq, 7);
  const hvr = parseHelloVerifyRequest(message(s.out, HandshakeType.helloVerifyRequest)!)!;
  assert.is(hvr.cookie.length, 20);
  assert.is(s.ep.reassembler.heldBytes, 0);
  assert.is(s.ep.hs.transcript().length, 0);
  assert.is(s.ep.nextTimeoutMs(), Infinity, 'no retransmission state for an HVR');
  // A wrong cookie gets another HVR, not a ServerHello.
  s.ep.handleDatagram(handshakeRecord(HandshakeType.clientHello, 1, hello(Buffer.alloc(20, 1), goodExts()), 8), 1 << 20, 0);
  assert.ok(message(s.out.slice(1), HandshakeType.helloVerifyRequest));
  assert.not.ok(message(s.out.slice(1), HandshakeType.serverHello));
  // The right cookie gets flight 4, ServerHello with message_seq 1 (mirrors the ClientHello).
  s.ep.handleDatagram(handshakeRecord(HandshakeType.clientHello, 1, hello(hvr.cookie, goodExts()), 9), 1 << 20, 0);
  assert.ok(message(s.out.slice(2), HandshakeType.serverHello));
  assert.ok(message(s.out.slice(2), HandshakeType.certificateRequest));
  assert.ok(Number.isFinite(s.ep.nextTimeoutMs()));
});

function refusal(exts: [number, Buffer][]) {
  const s = serverEndpoint();
  s.ep.handleDatagram(handshakeRecord(HandshakeType.clientHello, 0, hello(Buffer.alloc(0), exts), 0), 1 << 20, 0);
  const hvr = parseHelloVerifyRequest(message(s.out, HandshakeType.helloVerifyRequest)!)!;
  s.ep.handleDatagram(handshakeRecord(HandshakeType.clientHello, 1, hello(hvr.cookie, exts), 1), 1 << 20, 0);
  const alert = records(s.out[s.out.length - 1]).find((r) => r.type === 21);
  return { s, alert };
}

test('EMS required: a ClientHello without extended_master_secret is refused with handshake_failure', () => {
  const { s, alert } = refusal(goodExts().filter(([t]) => t !== ExtensionType.extendedMasterSecret));
  assert.is(s.err()?.code, 'no-extended-master-secret');
  assert.equal([...alert!.payload], [2, 40]);
  assert.is(s.ep.state, 'closed');
});

test('no common SRTP profile and no DTLS 1.2 in supported_versions are refused', () => {
  const a = refusal(goodExts().map(([t, d]) => [t, t === ExtensionType.useSrtp ? useSrtp([0x0005]) : d] as [number, Buffer]));
  assert.is(a.s.err()?.code, 'no-common-srtp-profile');
  assert.equal([...a.alert!.payload], [2, 40]);
  const b = refusal([...goodExts(), [ExtensionType.supportedVersions, Buffer.from([2, 0xfe, 0xfc])]]);
  assert.is(b.s.err()?.code, 'protocol-version');
  assert.equal([...b.alert!.payload], [2, 70]);
});

test('fingerprint set after the certificate arrived: connected only once it is set and matches', () => {
  const q = pair({ loss: 0, dup: 0, maxDelay: 1, seed: 3 }, { remoteFingerprints: undefined });
  q.client.ep.setRemoteFingerprints([serverCert.fingerprint]);
  q.start();
  q.run(10_000);
  assert.is(q.server.info, undefined, 'no fingerprint yet: not connected');
  assert.is(q.client.info !== undefined, true, 'client got server Finished');
  q.server.ep.setRemoteFingerprints([clientCert.fingerprint]);
  assert.ok(q.server.info, 'connected after the fingerprint came');
  const r = pair({ loss: 0, dup: 0, maxDelay: 1, seed: 3 }, { remoteFingerprints: undefined });
  r.client.ep.setRemoteFingerprints([serverCert.fingerprint]);
  r.start();
  r.run(10_000);
  r.server.ep.setRemoteFingerprints([serverCert.fingerprint]);
  assert.is(r.server.error?.code, 'fingerprint-mismatch');
});

test('a peer fatal alert ends the endpoint with a typed error (remote=true)', () => {
  const p = pair({ loss: 0, dup: 0, maxDelay: 1, seed: 9 });
  p.client.ep.setRemoteFingerprints([{ algorithm: 'sha-256', value: clientCert.fingerprint.value }]); // wrong: that is the client's own
  p.start();
  p.run(10_000);
  assert.is(p.client.error?.code, 'fingerprint-mismatch');
  assert.is(p.client.error?.remote, false);
  assert.is(p.server.error?.code, 'alert-received');
  assert.is(p.server.error?.alert, 42);
  assert.is(p.server.error?.remote, true);
  assert.is(p.server.ep.state, 'closed');
  assert.is(p.server.closed, 1);
  assert.is(p.server.info, undefined);
});

test('renegotiation is refused with a no_renegotiation warning; the association stays up', () => {
  const p = pair({ loss: 0, dup: 0, maxDelay: 1, seed: 11 });
  p.start();
  p.run(10_000);
  assert.ok(p.server.info);
  const n = p.server.sent.length;
  // A new ClientHello inside epoch 1 (what a renegotiating client sends): message_seq 6 is next (client sent 0..5).
  const body = hello(Buffer.alloc(0), goodExts());
  const hs = Buffer.alloc(12 + body.length);
  hs[0] = 1; hs.writeUIntBE(body.length, 1, 3); hs.writeUInt16BE(6, 4); hs.writeUIntBE(body.length, 9, 3); body.copy(hs, 12);
  const out = Buffer.alloc(2000);
  const len = p.client.ep.records.write(22, 1, hs, out, 0);
  p.server.ep.handleDatagram(out, len, p.now());
  assert.is(p.server.sent.length, n + 1, 'one answer');
  assert.is(p.server.ep.state, 'connected');
  // The answer is an encrypted alert: the client decrypts it as a warning and stays up.
  p.client.ep.handleDatagram(p.server.sent[n].buf, p.server.sent[n].buf.length, p.now());
  assert.is(p.client.ep.state, 'connected');
  assert.is(records(p.server.sent[n].buf)[0].type, 21);
});

test('synchronous send callbacks that feed the peer directly (re-entrant) still complete', () => {
  let s: DtlsEndpoint | null = null;
  let c: DtlsEndpoint | null = null;
  let connected = 0;
  s = new DtlsEndpoint({ role: 'server', certificate: serverCert, remoteFingerprints: [clientCert.fingerprint], send: (b, l) => c!.handleDatagram(b, l, 0), onConnected: () => connected++ });
  c = new DtlsEndpoint({ role: 'client', certificate: clientCert, remoteFingerprints: [serverCert.fingerprint], send: (b, l) => s!.handleDatagram(b, l, 0), onConnected: () => connected++ });
  c.start(0);
  assert.is(connected, 2);
  assert.equal(s.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60), c.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60));
});

test('a tampered Finished is refused with decrypt_error; records that fail to decrypt are dropped and counted', () => {
  const p = pair({ loss: 0, dup: 0, maxDelay: 1, seed: 5 });
  p.start();
  p.run(10_000);
  const before = p.server.ep.droppedRecords;
  const fake = Buffer.from(p.client.sent[p.client.sent.length - 1].buf);
  fake[fake.length - 1] ^= 0xff;
  p.server.ep.handleDatagram(fake, fake.length, p.now());
  assert.ok(p.server.ep.droppedRecords > before);
  assert.is(p.server.ep.state, 'connected');
  void randomBytes;
});

test.run();
