// The replay benchmark's outputs: a human table, the JSON summary (printed as ONE line)
// and an SVG chart (pps out per core of engine CPU against the baselines, and latency).
import { cpus, loadavg, release } from 'node:os';
import type { EngineRunResult } from './engine-run.js';
import type { BaselineResult } from './baselines.js';

export interface Machine { cpuModel: string; cores: number; node: string; kernel: string; loadavg: number[] }
export function machine(): Machine {
  return { cpuModel: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, kernel: release(), loadavg: loadavg().map((x) => Math.round(x * 100) / 100) };
}

export interface RunRow {
  publishers: number;
  subscribers: number;
  /** Packets per second per publisher; 0 = recorded timing. */
  rate: number;
  engine: EngineRunResult;
  dgram?: BaselineResult;
  mediasoup?: BaselineResult | { name: 'mediasoup'; skipped: string };
  /** Engine pps out per core ÷ the baseline's. */
  ratios: { vsDgram?: number; vsMediasoup?: number };
}

export interface ReplaySummary {
  bench: 'replay';
  date: string;
  machine: Machine;
  fixture: { path: string; codec: string; packets: number; durationS: number; pps: number };
  config: { durationMs: number; warmupMs: number; workers: number; verifyEvery: number; stageMs: number };
  goal: { ppsOutPerCore: number; vsDgram: number; p99MsAtHalfLoad: number };
  runs: RunRow[];
}

const f = (x: number | undefined, d = 0): string => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(d));
const k = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '-' : x >= 1e4 ? `${(x / 1000).toFixed(1)}k` : x.toFixed(0));

export function table(s: ReplaySummary): string {
  const out: string[] = [];
  out.push(`replay ${s.fixture.path} (${s.fixture.codec}, ${s.fixture.packets} packets, ${s.fixture.durationS.toFixed(1)} s, ${s.fixture.pps.toFixed(1)} pps) on ${s.machine.cpuModel} x${s.machine.cores}, node ${s.machine.node}, ${s.config.workers} worker(s), load average ${s.machine.loadavg.join(' ')}`);
  out.push('');
  const head = ['pub×sub', 'rate', 'pps in', 'pps out', 'Mb/s in', 'Mb/s out', 'eng CPU', 'load CPU', 'out pps/core', 'dgram pps/core', 'x dgram', 'ms pps/core', 'x ms', 'p50 ms', 'p95 ms', 'p99 ms', 'loss %', 'reord', 'heap +MB', 'GC ms'];
  const rows = s.runs.map((r) => {
    const e = r.engine;
    const ms = r.mediasoup && 'ppsOutPerCore' in r.mediasoup ? r.mediasoup : undefined;
    return [`${r.publishers}×${r.subscribers}`, r.rate ? `${r.rate}/s` : 'rec', k(e.ppsIn), k(e.ppsOut), f(e.mbpsIn, 2), f(e.mbpsOut, 2), f(e.engineCpuCores, 3), f(e.loadCpuCores, 3),
      k(e.ppsOutPerCore), k(r.dgram?.ppsOutPerCore), f(r.ratios.vsDgram, 2), k(ms?.ppsOutPerCore), f(r.ratios.vsMediasoup, 2),
      f(e.latencyMs.p50, 2), f(e.latencyMs.p95, 2), f(e.latencyMs.p99, 2), f(e.lossPct, 3), String(e.reordered), f(e.heapGrowthMB, 2), f(e.gcMs, 1)];
  });
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  out.push(head.map((h, i) => h.padStart(w[i]!)).join('  '));
  for (const r of rows) out.push(r.map((c, i) => c.padStart(w[i]!)).join('  '));
  out.push('');
  for (const r of s.runs) {
    const st = r.engine.stages;
    if (st && st.packetsIn > 0) {
      const n = st.nsPerPacket;
      out.push(`${r.publishers}×${r.subscribers} ${r.rate ? r.rate + '/s' : 'rec'} stages (ns/packet, timers on; timer overhead ${st.overheadNs.toFixed(0)} ns/stage subtracted from outer stages): ` +
        `decrypt ${n.decrypt.toFixed(0)} (per in) | route ${n.route.toFixed(0)} (per in) | rewrite ${n.rewrite.toFixed(0)} | queue ${n.queue.toFixed(0)} | encrypt ${n.encrypt.toFixed(0)} | send ${n.send.toFixed(0)} (per out); ` +
        `engine-internal latency (socket handler in -> dgram.send) p50/p95/p99 ${f(st.internalLatencyUs.p50)}/${f(st.internalLatencyUs.p95)}/${f(st.internalLatencyUs.p99)} µs; ` +
        `engine CPU ${f(r.engine.cpuNsPerPacketOut)} ns per packet out, of which ${f(r.engine.otherNsPerPacketOut)} outside the timed stages (socket receive, libuv sendmsg, event loop, timers)`);
    }
    const sk = r.mediasoup && 'skipped' in r.mediasoup ? r.mediasoup.skipped : undefined;
    if (sk) out.push(`  mediasoup baseline skipped: ${sk}`);
    const e = r.engine;
    if (e.lost || e.payloadMismatch || e.engineSendDropped) out.push(`  lost ${e.lost}: kernel drops at the engine's socket ${e.udpDropsEngine}, at the load side's sockets ${e.udpDropsLoad}; engine send-queue drops ${e.engineSendDropped}; payload mismatches ${e.payloadMismatch}`);
    out.push(`  other processes on the machine used ${r.engine.otherProcessesCores} cores during the window (noise); verified (decrypted + compared) ${r.engine.verified} packets; engine workers: ${r.engine.workers.map((x) => `cpu ${x.cpuCores} ELU ${x.elu} gc ${x.gcCount}/${x.gcMs} ms, off-heap +${x.externalGrowthMB} MB`).join('; ')}; RSS ${r.engine.rssMB} MB`);
  }
  return out.join('\n');
}

/** A grouped bar chart as an SVG fragment (also used by bench/data). */
export function bars(title: string, groups: string[], series: { label: string; color: string; ys: (number | undefined)[] }[], unit: string, w = 820, h = 300): string {
  const pad = { l: 70, r: 150, t: 30, b: 40 };
  const max = Math.max(1e-9, ...series.flatMap((s) => s.ys.filter((y): y is number => y !== undefined && Number.isFinite(y)))) * 1.1;
  const gw = (w - pad.l - pad.r) / Math.max(1, groups.length);
  const bw = (gw * 0.8) / series.length;
  const Y = (y: number): number => h - pad.b - (y / max) * (h - pad.t - pad.b);
  const p: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="11">`, `<text x="${pad.l}" y="18" font-size="13" font-weight="bold">${title}</text>`];
  for (let i = 0; i <= 4; i++) { const y = (max * i) / 4; p.push(`<line x1="${pad.l}" x2="${w - pad.r}" y1="${Y(y).toFixed(1)}" y2="${Y(y).toFixed(1)}" stroke="#ddd"/><text x="${pad.l - 6}" y="${(Y(y) + 4).toFixed(1)}" text-anchor="end">${y >= 100 ? (y >= 1e4 ? (y / 1000).toFixed(0) + 'k' : y.toFixed(0)) : y.toFixed(2)}</text>`); }
  p.push(`<text x="14" y="${h / 2}" transform="rotate(-90 14 ${h / 2})" text-anchor="middle">${unit}</text>`);
  groups.forEach((g, gi) => {
    const x0 = pad.l + gi * gw + gw * 0.1;
    series.forEach((s, si) => {
      const y = s.ys[gi];
      if (y === undefined || !Number.isFinite(y)) return;
      p.push(`<rect x="${(x0 + si * bw).toFixed(1)}" y="${Y(y).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${(h - pad.b - Y(y)).toFixed(1)}" fill="${s.color}"><title>${s.label}: ${y.toFixed(2)}</title></rect>`);
    });
    p.push(`<text x="${(x0 + gw * 0.4).toFixed(1)}" y="${h - pad.b + 16}" text-anchor="middle">${g}</text>`);
  });
  series.forEach((s, i) => p.push(`<rect x="${w - pad.r + 12}" y="${pad.t + i * 18}" width="12" height="10" fill="${s.color}"/><text x="${w - pad.r + 30}" y="${pad.t + i * 18 + 9}">${s.label}</text>`));
  p.push('</svg>');
  return p.join('\n');
}

export function chartSvg(s: ReplaySummary): string {
  const groups = s.runs.map((r) => `${r.publishers}×${r.subscribers} ${r.rate ? r.rate + '/s' : 'rec'}`);
  const a = bars('Packets out per second per core (engine: SRTP; dgram: plain; mediasoup: SRTP)', groups, [
    { label: 'switchboard', color: '#1f77b4', ys: s.runs.map((r) => r.engine.ppsOutPerCore) },
    { label: 'bare dgram', color: '#7f7f7f', ys: s.runs.map((r) => r.dgram?.ppsOutPerCore) },
    { label: 'mediasoup', color: '#2ca02c', ys: s.runs.map((r) => (r.mediasoup && 'ppsOutPerCore' in r.mediasoup ? r.mediasoup.ppsOutPerCore : undefined)) },
  ], 'packets/s/core');
  const b = bars('Added latency socket-in -> socket-out (switchboard)', groups, [
    { label: 'p50', color: '#2ca02c', ys: s.runs.map((r) => r.engine.latencyMs.p50) },
    { label: 'p95', color: '#ff7f0e', ys: s.runs.map((r) => r.engine.latencyMs.p95) },
    { label: 'p99', color: '#d62728', ys: s.runs.map((r) => r.engine.latencyMs.p99) },
  ], 'ms', 820, 260);
  const caption = `${s.date} — ${s.machine.cpuModel} x${s.machine.cores}, node ${s.machine.node}, kernel ${s.machine.kernel}; fixture ${s.fixture.path}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="820" height="600" font-family="sans-serif" font-size="11">
<text x="10" y="14">${caption.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</text>
<g transform="translate(0,20)">${a}</g>
<g transform="translate(0,330)">${b}</g>
</svg>`;
}
