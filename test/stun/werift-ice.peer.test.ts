// Our ICE agents against werift's ICE agent (an independent TypeScript implementation,
// node_modules/werift/lib/ice) over real UDP sockets on loopback, inside the runner's
// private network namespace. The sockets are test glue: src/stun stays socket-free.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket } from 'node:dgram';
import { Candidate, Connection } from 'werift';
import { assertInsideNetns } from '../peers/netns.js';
import { IceAgent, IceLiteAgent, IceStatus, type CandidatePair } from '../../src/stun/index.js';

assertInsideNetns();

const OURS = { ufrag: 'ourU', pwd: 'ourPasswordIs22CharsXY' };
const weriftOpts = { interfaceAddresses: { udp4: '127.0.0.1' }, additionalHostAddresses: ['127.0.0.1'], useIpv6: false };

async function bind(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((res) => s.bind(0, '127.0.0.1', () => res()));
  return s;
}

function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, rej) => { t = setTimeout(() => rej(new Error(`${what}: no result in ${ms} ms`)), ms); })]).finally(() => clearTimeout(t));
}

function hostCandidate(port: number): Candidate {
  return new Candidate('1', 1, 'udp', 2130706431, '127.0.0.1', port, 'host');
}

test('werift (full, controlling) connects to our ICE-lite agent and nominates', async () => {
  const sock = await bind();
  const port = sock.address().port;
  const lite = new IceLiteAgent({ localUfrag: OURS.ufrag, localPwd: OURS.pwd });
  const out = Buffer.alloc(1500);
  const statuses: number[] = [];
  const selected = new Promise<CandidatePair>((res) => lite.onSelectedPair(res));
  sock.on('message', (msg, rinfo) => {
    if (msg[0] > 3) return; // not STUN (werift data)
    statuses.push(lite.handleRequest(msg, msg.length, rinfo.address, rinfo.port, 4, performance.now(), out));
    if (lite.responseLength > 0) sock.send(out.subarray(0, lite.responseLength), rinfo.port, rinfo.address);
  });
  const w = new Connection(true, weriftOpts);
  try {
    await w.gatherCandidates();
    lite.setRemoteCredentials(w.localUsername, w.localPassword);
    w.setRemoteParams({ iceLite: true, usernameFragment: OURS.ufrag, password: OURS.pwd });
    await w.addRemoteCandidate(hostCandidate(port));
    await w.addRemoteCandidate(undefined);
    await bounded(w.connect(), 10_000, 'werift connect');
    const pair = await bounded(selected, 5_000, 'nomination');
    assert.is(w.state, 'connected');
    assert.is(pair.address, '127.0.0.1');
    assert.ok(w.localCandidates.some((c) => c.port === pair.port), 'the selected pair is werift\'s candidate');
    assert.ok(statuses.includes(IceStatus.Success));
    assert.is(lite.stats.badIntegrity + lite.stats.badUsername + lite.stats.badFingerprint + lite.stats.malformed, 0);
  } finally {
    await w.close();
    sock.close();
  }
});

async function ourControllingAgainst(weriftLite: boolean): Promise<void> {
  const sock = await bind();
  const w = new Connection(false, { ...weriftOpts, iceLite: weriftLite });
  const agent = new IceAgent({ localUfrag: OURS.ufrag, localPwd: OURS.pwd });
  let timer: NodeJS.Timeout | undefined;
  try {
    await w.gatherCandidates();
    const wc = w.localCandidates.find((c) => c.host === '127.0.0.1');
    assert.ok(wc, 'werift gathered a 127.0.0.1 candidate');
    agent.setRemoteCredentials(w.localUsername, w.localPassword);
    agent.addRemoteCandidate(wc!.host, wc!.port, wc!.priority);
    w.setRemoteParams({ iceLite: false, usernameFragment: OURS.ufrag, password: OURS.pwd });
    await w.addRemoteCandidate(hostCandidate(sock.address().port));
    await w.addRemoteCandidate(undefined);
    agent.onSend((buf, len, address, port) => sock.send(Buffer.from(buf.subarray(0, len)), port, address));
    sock.on('message', (msg, rinfo) => {
      if (msg[0] <= 3) agent.handleDatagram(msg, msg.length, rinfo.address, rinfo.port, 4, performance.now());
    });
    const connected = new Promise<CandidatePair>((res, rej) => {
      agent.onConnected(res);
      agent.onFailed(() => rej(new Error('our agent failed')));
    });
    const wConnect = w.connect();
    timer = setInterval(() => agent.tick(performance.now()), 20);
    const pair = await bounded(connected, 10_000, 'our agent connects');
    await bounded(wConnect, 10_000, 'werift connect');
    assert.is(pair.port, wc!.port);
    assert.is(agent.state, 'connected');
    assert.is(w.state, 'connected');
    assert.ok(agent.stats.responsesReceived >= 1);
    assert.is(agent.stats.responsesDropped, 0);
    if (!weriftLite) assert.ok(agent.stats.requestsAnswered >= 1, 'we answered werift\'s own checks');
  } finally {
    if (timer) clearInterval(timer);
    await w.close();
    sock.close();
  }
}

test('our controlling agent connects to werift as a full controlled agent (both sides check)', () => ourControllingAgainst(false));

test('our controlling agent connects to werift as an ICE-lite agent', () => ourControllingAgainst(true));

test.run();
