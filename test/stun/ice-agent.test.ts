// The full (controlling) agent against the ICE-lite agent and against itself, in memory
// with a fake clock: connect, retransmission schedule, failure, consent, role conflicts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BINDING_REQUEST, CheckState, IceAgent, IceLiteAgent, StunMessageView, ParseStatus } from '../../src/stun/index.js';
import { Link, type Datagram } from './link.js';

const SRV = { ufrag: 'srvU', pwd: 'serverpassword22charsX', addr: '10.0.0.1', port: 3478 };
const CLI = { ufrag: 'cliU', pwd: 'clientpassword22charsY', addr: '10.0.0.2', port: 5000 };

function setup(opts: { role?: 'controlling' | 'controlled'; random?: () => number } = {}) {
  const link = new Link();
  const lite = new IceLiteAgent({ localUfrag: SRV.ufrag, localPwd: SRV.pwd, remoteUfrag: CLI.ufrag, remotePwd: CLI.pwd });
  const agent = new IceAgent({ localUfrag: CLI.ufrag, localPwd: CLI.pwd, remoteUfrag: SRV.ufrag, remotePwd: SRV.pwd, role: opts.role, random: opts.random ?? (() => 0.5) });
  agent.addRemoteCandidate(SRV.addr, SRV.port, 2130706431);
  link.addLite(lite, SRV.addr, SRV.port);
  link.addAgent(agent, CLI.addr, CLI.port);
  const events: string[] = [];
  agent.onConnected((p) => events.push(`connected ${p} @${link.nowMs}`));
  agent.onFailed(() => events.push(`failed @${link.nowMs}`));
  agent.onConsentLost((p) => events.push(`consent-lost ${p} @${link.nowMs}`));
  lite.onSelectedPair((p) => events.push(`lite-selected ${p} @${link.nowMs}`));
  lite.onConsentExpired((p) => events.push(`lite-expired ${p} @${link.nowMs}`));
  return { link, lite, agent, events };
}

const view = new StunMessageView();
const isRequest = (d: Datagram) => view.reset(d.bytes, 0, d.bytes.length) === ParseStatus.Ok && view.type === BINDING_REQUEST;

test('controlling agent connects to the ICE-lite agent and both select the pair', () => {
  const { link, lite, agent, events } = setup();
  link.run(1000, 10, [agent, lite], () => agent.state === 'connected');
  assert.is(agent.state, 'connected');
  assert.equal(events, ['lite-selected 10.0.0.2:5000 @0', 'connected 10.0.0.1:3478 @0']);
  assert.is(agent.selectedPair?.toString(), '10.0.0.1:3478');
  assert.is(lite.selectedPair?.toString(), '10.0.0.2:5000');
  assert.is(lite.stats.success, 1);
  assert.is(agent.stats.requestsSent, 1);
  // The request carried what RFC 8445 §7.2.2 asks of a controlling agent.
  const req = link.log[0].bytes;
  assert.is(view.reset(req, 0, req.length), ParseStatus.Ok);
  assert.is(view.text(view.username, view.usernameLength), 'srvU:cliU');
  assert.ok(view.useCandidate);
  assert.ok(view.iceControlling >= 0);
  assert.is(view.iceControlled, -1);
  assert.is(view.priorityValue, ((110 << 24) | (65535 << 8) | 255) >>> 0);
  assert.ok(view.verifyFingerprint());
});

test('retransmissions at 0, 500, 1500, 3500, 7500, 15500, 31500 ms; failure at 39500 ms', () => {
  const { link, lite, agent, events } = setup();
  link.drop = () => true;
  link.run(60_000, 10, [agent, lite], () => agent.state === 'failed');
  const sends = link.log.filter((d) => d.from === CLI.addr).map((d) => d.atMs);
  assert.equal(sends, [0, 500, 1500, 3500, 7500, 15500, 31500]);
  // Same transaction id on every retransmit.
  const ids = new Set(link.log.map((d) => d.bytes.subarray(8, 20).toString('hex')));
  assert.is(ids.size, 1);
  assert.equal(events, ['failed @39500']);
  assert.is(agent.stats.retransmits, 6);
});

test('RTO is configurable; a retransmission that gets through connects', () => {
  const link = new Link();
  const lite = new IceLiteAgent({ localUfrag: SRV.ufrag, localPwd: SRV.pwd });
  const agent = new IceAgent({ localUfrag: CLI.ufrag, localPwd: CLI.pwd, remoteUfrag: SRV.ufrag, remotePwd: SRV.pwd, rtoMs: 100, maxSends: 3, lastWaitRtos: 4 });
  agent.addRemoteCandidate(SRV.addr, SRV.port, 1);
  link.addLite(lite, SRV.addr, SRV.port);
  link.addAgent(agent, CLI.addr, CLI.port);
  let dropped = 0;
  link.drop = (d) => d.from === CLI.addr && dropped++ < 2;
  let at = -1;
  agent.onConnected(() => { at = link.nowMs; });
  link.run(5000, 10, [agent], () => at >= 0);
  assert.is(at, 300, 'third send at 0 + 100 + 200');
  // And with every send lost: 3 sends, then failure 4 RTO after the last.
  const link2 = new Link();
  const a2 = new IceAgent({ localUfrag: CLI.ufrag, localPwd: CLI.pwd, remoteUfrag: SRV.ufrag, remotePwd: SRV.pwd, rtoMs: 100, maxSends: 3, lastWaitRtos: 4 });
  a2.addRemoteCandidate(SRV.addr, SRV.port, 1);
  link2.addAgent(a2, CLI.addr, CLI.port);
  let failedAt = -1;
  a2.onFailed(() => { failedAt = link2.nowMs; });
  link2.run(5000, 10, [a2], () => failedAt >= 0);
  assert.equal(link2.log.map((d) => d.atMs), [0, 100, 300]);
  assert.is(failedAt, 700);
});

test('checks are paced Ta apart and a later candidate connects when the first is dead', () => {
  const { link, lite, agent, events } = setup();
  agent.addRemoteCandidate('10.9.9.9', 9, 4_000_000_000); // higher priority, black hole
  link.run(5000, 10, [agent, lite], () => agent.state === 'connected');
  const firstTwo = link.log.filter((d) => d.from === CLI.addr).slice(0, 2).map((d) => `${d.to}@${d.atMs}`);
  assert.equal(firstTwo, ['10.9.9.9@0', '10.0.0.1@50']);
  assert.equal(events.filter((e) => e.startsWith('connected')), ['connected 10.0.0.1:3478 @50']);
});

test('consent: checks every 5 s x U(0.8,1.2) keep both sides alive; a cut link expires both after 30 s', () => {
  let r = 0;
  const seq = [0, 0.999, 0.5, 0.25];
  const { link, lite, agent, events } = setup({ random: () => seq[r++ % seq.length] });
  link.run(60_000, 10, [agent, lite]);
  const consent = link.log.filter((d) => d.from === CLI.addr && isRequest(d)).map((d) => d.atMs).slice(1);
  // Connected at 0 with random 0 -> first consent at 4000; then x1.1996, x1.0, x0.9 ...
  assert.is(consent[0], 4000);
  const gaps = consent.slice(1).map((t, i) => t - consent[i]);
  for (const g of gaps) assert.ok(g >= 4000 && g <= 6000 + 10, `gap ${g}`);
  assert.ok(new Set(gaps).size > 1, 'randomised');
  assert.is(agent.state, 'connected');
  assert.ok(agent.stats.consentReceived >= 10);
  assert.not.ok(events.some((e) => e.includes('expired') || e.includes('lost')));
  // Cut the link at 60 s.
  link.drop = () => true;
  const lastOk = Math.max(...link.log.filter((d) => d.from === SRV.addr).map((d) => d.atMs));
  link.run(120_000, 10, [agent, lite]);
  assert.equal(events.filter((e) => e.includes('expired') || e.includes('lost')).sort(), [
    `consent-lost 10.0.0.1:3478 @${lastOk + 30_000}`,
    `lite-expired 10.0.0.2:5000 @${lastOk + 30_000}`,
  ]);
  assert.is(agent.state, 'disconnected');
});

test('role conflict: a controlled full agent gets 487 from the lite agent, switches, nominates', () => {
  const { link, lite, agent, events } = setup({ role: 'controlled' });
  link.run(2000, 10, [agent, lite], () => agent.state === 'connected');
  assert.is(lite.stats.roleConflict, 1);
  assert.is(agent.role, 'controlling');
  assert.is(agent.stats.roleSwitches, 1);
  assert.is(agent.state, 'connected');
  assert.is(lite.selectedPair?.toString(), '10.0.0.2:5000');
  assert.ok(events.some((e) => e.startsWith('lite-selected 10.0.0.2:5000')));
});

function fullPair(tbA: bigint, tbB: bigint, roleB: 'controlling' | 'controlled') {
  const link = new Link();
  const A = new IceAgent({ localUfrag: 'aaaa', localPwd: 'a'.repeat(22), remoteUfrag: 'bbbb', remotePwd: 'b'.repeat(22), tiebreaker: tbA });
  const B = new IceAgent({ localUfrag: 'bbbb', localPwd: 'b'.repeat(22), remoteUfrag: 'aaaa', remotePwd: 'a'.repeat(22), tiebreaker: tbB, role: roleB });
  A.addRemoteCandidate('10.0.0.2', 2, 100);
  B.addRemoteCandidate('10.0.0.1', 1, 100);
  link.addAgent(A, '10.0.0.1', 1);
  link.addAgent(B, '10.0.0.2', 2);
  return { link, A, B };
}

test('two full agents, both controlling: the larger tiebreaker keeps controlling (RFC 8445 §7.3.1.1)', () => {
  for (const [tbA, tbB] of [[0xffff_0000_0000_0001n, 5n], [5n, 0xffff_0000_0000_0001n], [0x1_0000_0002n, 0x1_0000_0001n]] as const) {
    const { link, A, B } = fullPair(tbA, tbB, 'controlling');
    link.run(3000, 10, [A, B], () => A.state === 'connected' && B.state === 'connected');
    assert.is(A.state, 'connected');
    assert.is(B.state, 'connected');
    const winner = tbA > tbB ? A : B, loser = tbA > tbB ? B : A;
    assert.is(winner.role, 'controlling');
    assert.is(loser.role, 'controlled');
    assert.ok(loser.stats.roleSwitches >= 1);
    assert.is(winner.stats.roleSwitches, 0);
  }
});

test('two full agents, one controlling one controlled: no conflict, nomination by the controlling one', () => {
  const { link, A, B } = fullPair(1n, 2n, 'controlled');
  link.run(3000, 10, [A, B], () => A.state === 'connected' && B.state === 'connected');
  assert.is(A.state, 'connected');
  assert.is(B.state, 'connected');
  assert.is(A.stats.roleConflicts + B.stats.roleConflicts, 0);
  assert.is(B.checks[0].state, CheckState.Succeeded);
});

test('responses with a bad integrity, from the wrong address, or unknown ids are not accepted', () => {
  const { link, lite, agent } = setup();
  // Corrupt the lite agent's answers: flip a byte in the MESSAGE-INTEGRITY value, fix nothing else.
  link.drop = (d) => { if (d.from === SRV.addr) { d.bytes[d.bytes.length - 12] ^= 1; } return false; };
  link.run(2000, 10, [agent, lite]);
  assert.is(agent.state, 'checking');
  assert.ok(agent.stats.responsesDropped >= 3);
  // An answer from another address (non-symmetric) fails the check.
  const s2 = setup();
  s2.link.nodes.set(s2.link.key(SRV.addr, SRV.port), (d) => {
    const out = Buffer.alloc(1500);
    s2.lite.handleRequest(d.bytes, d.bytes.length, d.from, d.fromPort, 4, s2.link.nowMs, out);
    s2.link.send('10.0.0.99', SRV.port, out, s2.lite.responseLength, d.from, d.fromPort);
  });
  let failed = false;
  s2.agent.onFailed(() => { failed = true; });
  s2.link.run(2000, 10, [s2.agent], () => failed);
  assert.ok(failed);
  assert.is(s2.agent.stats.retransmits, 0);
});

test('controlled full agent: a nomination that arrives before its own check succeeds is applied on success', () => {
  const { link, A, B } = fullPair(9n, 1n, 'controlled');
  // Hold B's checks back for 1 s so A's nominating check reaches B first.
  link.drop = (d) => d.from === '10.0.0.2' && isRequest(d) && link.nowMs < 1000;
  link.run(3000, 10, [A, B], () => A.state === 'connected' && B.state === 'connected');
  assert.is(A.state, 'connected');
  assert.is(B.state, 'connected');
  assert.ok(B.checks[0].remoteNominated);
  assert.ok(link.nowMs >= 1000, 'B connected only once its own check succeeded');
});

test('a check from an unknown address becomes a peer-reflexive candidate and is checked', () => {
  const { link, A, B } = fullPair(9n, 1n, 'controlled');
  // B learns nothing from signalling: it only hears A's checks.
  B.checks.length = 0;
  link.run(3000, 10, [A, B], () => A.state === 'connected' && B.state === 'connected');
  assert.is(B.state, 'connected');
  assert.is(B.checks.length, 1);
  assert.is(B.checks[0].pair.toString(), '10.0.0.1:1');
  assert.is(B.checks[0].pair.priority, ((110 << 24) | (65535 << 8) | 255) >>> 0, 'PRIORITY from the request');
});

test('the full agent answers a check with a bad password with 401 and never nominates from it', () => {
  const { link, A, B } = fullPair(9n, 1n, 'controlled');
  const wrong = new IceAgent({ localUfrag: 'aaaa', localPwd: 'a'.repeat(22), remoteUfrag: 'bbbb', remotePwd: 'c'.repeat(22) });
  wrong.addRemoteCandidate('10.0.0.2', 2, 1);
  link.addAgent(wrong, '10.0.0.3', 3);
  link.run(300, 10, [wrong, B]);
  assert.ok(B.stats.requestsRejected >= 1);
  assert.is(B.state, 'checking');
  assert.is(wrong.state, 'checking');
  assert.not.ok(A.state === 'connected');
});

test('bad configuration is refused with a typed error', () => {
  assert.throws(() => new IceAgent({ localUfrag: 'ab', localPwd: CLI.pwd }), (e: Error & { code?: string }) => e.code === 'ERR_STUN_BAD_CREDENTIALS');
  assert.throws(() => new IceAgent({ localUfrag: CLI.ufrag, localPwd: CLI.pwd, rtoMs: 0 }), (e: Error & { code?: string }) => e.code === 'ERR_STUN_BAD_CONFIG');
  const a = new IceAgent({ localUfrag: CLI.ufrag, localPwd: CLI.pwd });
  assert.throws(() => a.addRemoteCandidate('not-ip', 1, 1), (e: Error & { code?: string }) => e.code === 'ERR_STUN_BAD_ADDRESS');
});

test.run();
