// The capture tap: a short call through the engine (one media worker) with our client
// transports — one Opus publisher, two subscribers — is recorded with startCapture /
// stopCapture and read back with our pcapng reader and with tshark: every packet the
// publisher sent is on the "in" interface with continuous sequence numbers, each
// subscriber's stream is on "out" with continuous sequence numbers and the same count as
// the subscriber received, and tshark agrees on the counts and sequence numbers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Engine } from '../../src/engine/index.js';
import { startCapture, stopCapture, engineDiagnostics, setStageTimers, CAPTURE_IF_IN, CAPTURE_IF_OUT } from '../../src/engine/capture/index.js';
import { CaptureReader, PcapStatus, UdpLocation, locateUdp } from '../../src/pcap/index.js';
import { RtpView, RtpStatus } from '../../src/rtp/index.js';
import { encodeSpeech } from '../../src/client/index.js';
import { BenchNetwork, BenchSubscriber, ReplayPublisher } from '../../bench/replay/clients.js';
import { fixtureFromFrames } from '../../bench/replay/fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-capture-'));
const file = join(dir, 'call.pcapng');

function speechFixture() {
  const s = encodeSpeech();
  const frames: Buffer[] = [];
  for (let i = 0; i < s.count; i++) frames.push(Buffer.from(s.data.subarray(s.offsets[i]!, s.offsets[i]! + s.lengths[i]!)));
  return fixtureFromFrames(frames);
}

interface Stream { ifId: number; ssrc: number; seqs: number[] }

function readOurs(path: string): { streams: Map<string, Stream>; rtcp: number; port: number } {
  const r = CaptureReader.openFile(path);
  const loc = new UdpLocation();
  const v = new RtpView();
  const streams = new Map<string, Stream>();
  let rtcp = 0, port = 0;
  for (let s; (s = r.next()) !== PcapStatus.END;) {
    if (s !== PcapStatus.OK) throw r.error(s);
    assert.ok(r.ts.sec > 1_700_000_000, 'real wall-clock timestamps');
    assert.is(locateUdp(r.buf, r.dataOffset, r.capturedLength, r.linkType, loc), PcapStatus.OK);
    port = r.interfaceId === CAPTURE_IF_IN ? loc.dstPort : loc.srcPort;
    const pt = r.buf[loc.payloadOffset + 1]! & 0x7f;
    if (pt >= 64 && pt <= 95) { rtcp++; continue; }
    assert.is(v.reset(r.buf, loc.payloadOffset, loc.payloadLength), RtpStatus.OK);
    const key = `${r.interfaceId}/${v.ssrc}`;
    let st = streams.get(key);
    if (!st) { st = { ifId: r.interfaceId, ssrc: v.ssrc, seqs: [] }; streams.set(key, st); }
    st.seqs.push(v.sequenceNumber);
  }
  r.close();
  return { streams, rtcp, port };
}

function gaps(seqs: number[]): number {
  let g = 0;
  for (let i = 1; i < seqs.length; i++) if (((seqs[i]! - seqs[i - 1]!) & 0xffff) !== 1) g++;
  return g;
}

test('a room capture holds the decrypted publisher stream (in) and each subscriber stream (out), continuous; tshark agrees', async () => {
  const engine = await Engine.create({ workers: 1 });
  const net = new BenchNetwork();
  try {
    const room = await engine.createRoom('cap');
    await startCapture(room, file);
    const fixture = speechFixture();
    const pub = new ReplayPublisher(fixture, net);
    await pub.connect(room, 'pub');
    const subs = [new BenchSubscriber(fixture, net, 1), new BenchSubscriber(fixture, net, 1)];
    for (const [i, s] of subs.entries()) await s.connect(room, `sub${i}`);
    for (const s of subs) await s.ready();
    await setStageTimers(engine, true);
    pub.start(performance.now(), 0);
    const end = performance.now() + 1500;
    while (performance.now() < end) { pub.poll(performance.now()); await new Promise((r) => setTimeout(r, 2)); }
    await new Promise((r) => setTimeout(r, 300));
    const [diag] = await engineDiagnostics(engine);
    await setStageTimers(engine, false);
    const st = await stopCapture(room);
    assert.is(st.dropped, 0);
    assert.ok(st.bytesWritten > 0);
    assert.ok(diag!.cpuMs > 0 && diag!.stages.packetsIn >= pub.sent - 5, `stage timers saw ${diag!.stages.packetsIn} of ${pub.sent}`);

    const ours = readOurs(file);
    const inbound = ours.streams.get(`${CAPTURE_IF_IN}/${pub.ssrc}`);
    assert.ok(inbound, 'the publisher stream is on the in interface');
    assert.is(inbound!.seqs.length, pub.sent, 'every packet sent was captured decrypted');
    assert.is(gaps(inbound!.seqs), 0);
    const outs = [...ours.streams.values()].filter((x) => x.ifId === CAPTURE_IF_OUT);
    assert.is(outs.length, 2, 'one out stream per subscriber');
    for (const s of subs) {
      const o = outs.find((x) => x.ssrc === s.stats!.ssrc);
      assert.ok(o, 'subscriber ssrc in the capture');
      assert.is(o!.seqs.length, s.stats!.packets, 'captured out = received by the subscriber');
      assert.is(gaps(o!.seqs), 0);
      assert.is(s.stats!.lost, 0);
      assert.is(s.payloadMismatch, 0);
      assert.ok(s.decrypted > 10);
    }
    assert.ok(ours.rtcp > 0, 'RTCP (SR/RR) captured too');
    assert.is(st.packets, [...ours.streams.values()].reduce((a, x) => a + x.seqs.length, 0) + ours.rtcp);

    // tshark: the same per-interface/per-SSRC counts and sequence numbers.
    const ts = spawnSync('tshark', ['-r', file, '-d', `udp.port==${ours.port},rtp`, '-Y', 'rtp', '-T', 'fields', '-e', 'frame.interface_id', '-e', 'rtp.ssrc', '-e', 'rtp.seq'], { encoding: 'utf8', timeout: 30_000 });
    assert.is(ts.status, 0, ts.stderr);
    const seen = new Map<string, number[]>();
    for (const line of ts.stdout.trim().split('\n')) {
      const [ifId, ssrc, seq] = line.split('\t');
      const key = `${ifId}/${Number(ssrc)}`;
      if (!seen.has(key)) seen.set(key, []);
      seen.get(key)!.push(Number(seq));
    }
    assert.is(seen.size, ours.streams.size);
    for (const [key, s] of ours.streams) assert.equal(seen.get(key), s.seqs, `tshark seqs of ${key}`);
  } finally {
    net.close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('workers: 0 (media in this thread): a participant capture holds only that participant\'s transports', async () => {
  const engine = await Engine.create({ workers: 0 });
  const net = new BenchNetwork();
  const d0 = mkdtempSync(join(tmpdir(), 'sb-capture0-'));
  try {
    const room = await engine.createRoom('local');
    const fixture = speechFixture();
    const pub = new ReplayPublisher(fixture, net);
    await pub.connect(room, 'pub');
    const sub = new BenchSubscriber(fixture, net, 1);
    await sub.connect(room, 'sub');
    await sub.ready();
    await startCapture(sub.participant, join(d0, 'sub.pcapng'));
    pub.start(performance.now(), 0);
    const end = performance.now() + 800;
    while (performance.now() < end) { pub.poll(performance.now()); await new Promise((r) => setTimeout(r, 2)); }
    await new Promise((r) => setTimeout(r, 200));
    const st = await stopCapture(sub.participant);
    assert.is(st.dropped, 0);
    const ours = readOurs(join(d0, 'sub.pcapng'));
    assert.not.ok(ours.streams.has(`${CAPTURE_IF_IN}/${pub.ssrc}`), 'the publisher is not part of this capture');
    const out = ours.streams.get(`${CAPTURE_IF_OUT}/${sub.stats!.ssrc}`);
    assert.ok(out, 'the subscriber stream is captured');
    assert.is(out!.seqs.length, sub.stats!.packets);
    assert.is(gaps(out!.seqs), 0);
  } finally {
    net.close();
    await engine.close();
    rmSync(d0, { recursive: true, force: true });
  }
});

test('SWITCHBOARD_CAPTURE_DIR captures every room from its first transport (files flushed while running)', async () => {
  const autoDir = mkdtempSync(join(tmpdir(), 'sb-autocap-'));
  process.env.SWITCHBOARD_CAPTURE_DIR = autoDir;
  let engine: Engine | undefined;
  const net = new BenchNetwork();
  try {
    engine = await Engine.create({ workers: 1 }); // the worker reads the variable at start
    delete process.env.SWITCHBOARD_CAPTURE_DIR;
    const room = await engine.createRoom('auto room');
    const pub = new ReplayPublisher(speechFixture(), net);
    await pub.connect(room, 'pub');
    pub.start(performance.now(), 0);
    const end = performance.now() + 1000;
    while (performance.now() < end) { pub.poll(performance.now()); await new Promise((r) => setTimeout(r, 2)); }
    await new Promise((r) => setTimeout(r, 600)); // > one 250 ms flush tick
    const files = readdirSync(autoDir);
    assert.is(files.length, 1);
    assert.match(files[0]!, /^auto_room-\d+\.pcapng$/);
    const r = CaptureReader.openFile(join(autoDir, files[0]!));
    const loc = new UdpLocation();
    let n = 0;
    for (let s; (s = r.next()) === PcapStatus.OK;) {
      if (locateUdp(r.buf, r.dataOffset, r.capturedLength, r.linkType, loc) === PcapStatus.OK && r.interfaceId === CAPTURE_IF_IN && r.buf.readUInt32BE(loc.payloadOffset + 8) === pub.ssrc) n++;
    }
    r.close();
    assert.ok(n >= pub.sent - 20 && n <= pub.sent, `auto capture holds ${n} of ${pub.sent} sent packets`);
  } finally {
    delete process.env.SWITCHBOARD_CAPTURE_DIR;
    net.close();
    await engine?.close();
    rmSync(autoDir, { recursive: true, force: true });
  }
});

test.run();
