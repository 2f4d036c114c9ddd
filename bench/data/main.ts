// `npm run bench -- data`: LiveKit data messages through Switchboard, beside the same
// clients peer to peer, in one run. Two node-datachannel peers (libdatachannel + usrsctp)
// join an in-process engine in single-PC mode; the sender pushes 1 KiB, 16 KiB and 64 KiB
// user DataPackets on `_reliable` as fast as its buffer allows (bounded by time and count);
// the receiver counts what the server delivers. The baseline connects the same two peers
// directly. Reported: messages/s and MB/s at the receiver, and for the process (engine +
// clients, or clients alone in the baseline) GC time and heap growth; the engine's own
// allocation per routed message is the `data route` case of `npm run bench:micro`.
import { PerformanceObserver } from 'node:perf_hooks';
import { writeFileSync, mkdirSync } from 'node:fs';
import nodeDataChannel from 'node-datachannel';
import { Engine } from '../../src/engine/index.js';
import { encodeUserPacket } from '../../src/engine/data/data-packet.js';
import { joinWithNodeDataChannel } from '../../test/peers/ndc-participant.js';
import { bars, machine } from '../replay/report.js';

interface Row { size: number; path: 'server' | 'p2p'; sent: number; received: number; seconds: number; msgsPerS: number; mbPerS: number; cpuPct: number; gcMs: number; heapGrowthMb: number; serverDropped?: number }
type Channel = nodeDataChannel.DataChannel;

const HIGH = 1 << 20;
const MAX_MESSAGES = 20_000;

function gcMeter(): () => number {
  let ms = 0;
  const obs = new PerformanceObserver((l) => { for (const e of l.getEntries()) ms += e.duration; });
  obs.observe({ entryTypes: ['gc'] });
  return () => { obs.disconnect(); return ms; };
}

/** Sends `packet` on `tx` for `seconds` (or MAX_MESSAGES), then waits for the receiver to drain. */
async function pump(tx: Channel, setSink: (fn: (b: Buffer) => void) => void, packet: Buffer, seconds: number): Promise<{ sent: number; received: number; seconds: number; cpuPct: number }> {
  let received = 0, first = 0, last = 0;
  const cpu0 = process.cpuUsage(), t0 = performance.now();
  setSink(() => { const t = performance.now(); if (!received) first = t; last = t; received++; });
  tx.setBufferedAmountLowThreshold(HIGH / 2);
  let sent = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end && sent < MAX_MESSAGES) {
    if (tx.bufferedAmount() > HIGH) { await new Promise<void>((r) => { tx.onBufferedAmountLow(() => r()); setTimeout(r, 50); }); continue; }
    tx.sendMessageBinary(packet);
    sent++;
    if (sent % 64 === 0) await new Promise((r) => setImmediate(r));
  }
  const drain = performance.now() + 10_000;
  while (received < sent && performance.now() < drain) await new Promise((r) => setTimeout(r, 10));
  const cpu = process.cpuUsage(cpu0);
  return { sent, received, seconds: Math.max(1e-3, (last - first) / 1000), cpuPct: ((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100 };
}

async function viaServer(size: number, seconds: number): Promise<Row> {
  const engine = await Engine.create({ workers: 1 });
  const room = await engine.createRoom('bench-data');
  const a = await joinWithNodeDataChannel(room, 'sender');
  const b = await joinWithNodeDataChannel(room, 'receiver');
  const packet = encodeUserPacket({ payload: Buffer.alloc(size, 1), kind: 'reliable', topic: 'bench' });
  const heap0 = process.memoryUsage().heapUsed;
  const gc = gcMeter();
  const r = await pump(a.reliable, (fn) => { b.onMessage = (_k, m) => fn(m); }, packet, seconds);
  const gcMs = gc();
  const heapGrowthMb = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
  const d = (await b.participant.stats()).data!;
  a.close(); b.close();
  await engine.close();
  return { ...row(size, 'server', r, gcMs, heapGrowthMb, packet.length), serverDropped: d.sendDropped + d.pendingDropped };
}

async function peerToPeer(size: number, seconds: number): Promise<Row> {
  const pa = new nodeDataChannel.PeerConnection('p2p-a', { iceServers: [], maxMessageSize: 262144 });
  const pb = new nodeDataChannel.PeerConnection('p2p-b', { iceServers: [], maxMessageSize: 262144 });
  // Candidates can come before the other side has a description: hold them until then.
  const link = (from: nodeDataChannel.PeerConnection, to: nodeDataChannel.PeerConnection) => {
    let described = false;
    const held: [string, string][] = [];
    from.onLocalDescription((sdp, type) => { to.setRemoteDescription(sdp, type); described = true; for (const [c, mid] of held.splice(0)) to.addRemoteCandidate(c, mid); });
    from.onLocalCandidate((c, mid) => { if (described) to.addRemoteCandidate(c, mid); else held.push([c, mid]); });
  };
  link(pa, pb);
  link(pb, pa);
  let rx: Channel | undefined;
  const got = new Promise<Channel>((resolve) => pb.onDataChannel((ch) => { rx = ch; resolve(ch); }));
  const tx = pa.createDataChannel('_reliable', {});
  await new Promise<void>((resolve, reject) => { const t = setTimeout(() => reject(new Error('p2p: no channel in 10 s')), 10_000); tx.onOpen(() => { clearTimeout(t); resolve(); }); });
  await got;
  const packet = encodeUserPacket({ payload: Buffer.alloc(size, 1), kind: 'reliable', topic: 'bench' });
  const heap0 = process.memoryUsage().heapUsed;
  const gc = gcMeter();
  const r = await pump(tx, (fn) => rx!.onMessage((m) => fn(m as Buffer)), packet, seconds);
  const gcMs = gc();
  const heapGrowthMb = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
  pa.close(); pb.close();
  return row(size, 'p2p', r, gcMs, heapGrowthMb, packet.length);
}

function row(size: number, path: Row['path'], r: { sent: number; received: number; seconds: number; cpuPct: number }, gcMs: number, heapGrowthMb: number, bytes: number): Row {
  const rd = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
  return { size, path, sent: r.sent, received: r.received, seconds: rd(r.seconds, 2), msgsPerS: Math.round(r.received / r.seconds), mbPerS: rd((r.received * bytes) / r.seconds / 1e6), cpuPct: Math.round(r.cpuPct), gcMs: rd(gcMs), heapGrowthMb: rd(heapGrowthMb) };
}

export async function dataMain(argv: string[]): Promise<void> {
  if (argv.includes('--help')) { process.stdout.write('npm run bench -- data [--seconds S (default 3)] [--sizes 1024,16384,65536]\n'); return; }
  const opt = (k: string) => { const i = argv.indexOf(k); return i >= 0 ? argv[i + 1] : undefined; };
  const seconds = Math.min(30, Math.max(0.5, Number(opt('--seconds') ?? 3)));
  const sizes = (opt('--sizes') ?? '1024,16384,65536').split(',').map(Number).filter((n) => n > 0 && n <= 200_000);
  const rows: Row[] = [];
  for (const size of sizes) {
    for (const run of [viaServer, peerToPeer]) {
      process.stderr.write(`[bench data] ${run === viaServer ? 'through switchboard' : 'peer to peer'}, ${size} B messages, ${seconds} s ...\n`);
      rows.push(await run(size, seconds));
    }
  }
  nodeDataChannel.cleanup();
  const m = machine();
  console.log(`data messages on _reliable, node-datachannel clients, ${seconds} s per run, on ${m.cpuModel} x${m.cores}, node ${m.node}`);
  console.table(rows.map((r) => ({ size: r.size, path: r.path, sent: r.sent, received: r.received, 'msgs/s': r.msgsPerS, 'MB/s': r.mbPerS, 'cpu %': r.cpuPct, 'dropped at server': r.serverDropped ?? '-', 'gc ms': r.gcMs, 'heap +MB': r.heapGrowthMb })));
  const summary = { bench: 'data', date: new Date().toISOString(), machine: m, seconds, rows,
    ratios: sizes.map((s) => { const a = rows.find((r) => r.size === s && r.path === 'server'), b = rows.find((r) => r.size === s && r.path === 'p2p'); return { size: s, serverVsP2p: a && b ? Math.round((a.mbPerS / b.mbPerS) * 100) / 100 : null }; }) };
  console.log(JSON.stringify(summary));
  mkdirSync('bench/results', { recursive: true });
  const stamp = summary.date.replace(/[:.]/g, '-');
  writeFileSync(`bench/results/data-${stamp}.json`, JSON.stringify(summary, null, 2));
  const svg = bars('MB/s at the receiver: through switchboard vs peer to peer (node-datachannel)', sizes.map((s) => `${s / 1024} KiB`), [
    { label: 'switchboard', color: '#1f77b4', ys: sizes.map((s) => rows.find((r) => r.size === s && r.path === 'server')?.mbPerS) },
    { label: 'peer to peer', color: '#7f7f7f', ys: sizes.map((s) => rows.find((r) => r.size === s && r.path === 'p2p')?.mbPerS) },
  ], 'MB/s');
  writeFileSync(`bench/results/data-${stamp}.svg`, `<svg xmlns="http://www.w3.org/2000/svg" width="820" height="320" font-family="sans-serif" font-size="11"><text x="10" y="14">${summary.date} — ${m.cpuModel} x${m.cores}, node ${m.node}</text><g transform="translate(0,20)">${svg}</g></svg>`);
  process.stderr.write(`[bench data] wrote bench/results/data-${stamp}.json and .svg\n`);
}
