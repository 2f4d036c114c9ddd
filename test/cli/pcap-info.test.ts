// `npm run pcap -- info` against tshark's RTP stream analysis and RTCP dissector.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildInfoCapture, PCMU, OPUS } from './pcap-capture.js';
import type { InfoReport } from '../../src/cli/pcap.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-pcap-info-'));
const file = join(dir, 'info.pcapng');
buildInfoCapture(file);

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/pcap.ts', ...args], { encoding: 'utf8', timeout: 60_000 });
}
function tshark(args: string[]): string {
  const r = spawnSync('tshark', ['-r', file, ...args], { encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  return r.stdout;
}
/** tshark -z rtp,streams rows keyed by SSRC: packets, lost, max jitter (ms). */
function tsharkStreams(): Map<number, { pkts: number; lost: number; maxJitter: number }> {
  const out = tshark(['-d', 'udp.port==5004,rtp', '-d', 'udp.port==6000,rtp', '-q', '-z', 'rtp,streams']);
  const m = new Map<number, { pkts: number; lost: number; maxJitter: number }>();
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (!/^0x[0-9a-f]{8}$/i.test(f[6] ?? '')) continue;
    m.set(parseInt(f[6], 16), { pkts: Number(f[8]), lost: Number(f[9]), maxJitter: Number(f[16]) });
  }
  return m;
}

const report = ((): InfoReport => {
  const r = cli(['info', file, '--json']);
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as InfoReport;
})();
const stream = (ssrc: number) => report.flows.flatMap((f) => f.streams.map((s) => ({ ...s, flow: f }))).find((s) => s.ssrc === ssrc)!;

test('info: packet, loss, duplicate and reorder counts are the ones the capture was built with', () => {
  assert.is(report.format, 'pcapng');
  assert.is(report.counts.fragments, 1);
  for (const spec of [PCMU, OPUS]) {
    const s = stream(spec.ssrc);
    assert.ok(s, `stream ${spec.ssrc.toString(16)}`);
    assert.equal(s.payloadTypes, [spec.pt]);
    // 6 lost (4 + 1 + 1, the seq wrap crossed for PCMU), 1 duplicate, 1 swap
    assert.is(s.packets, spec.count - 6 + 1);
    assert.is(s.expected, spec.count);
    assert.is(s.lost, 5);
    assert.is(s.duplicates, 1);
    assert.is(s.reordered, 1);
    assert.is(s.clockRate, spec.pt === 0 ? 8000 : 48000);
    assert.ok(s.durationS > (s.packets - 2) * spec.intervalUs / 1e6 && s.durationS < s.packets * spec.intervalUs / 1e6, String(s.durationS));
    const bps = (s.bytes * 8) / s.durationS;
    assert.ok(Math.abs(s.bitrateBps - bps) / bps < 0.01);
  }
  assert.is(stream(OPUS.ssrc).flow.src, '2001:db8::1');
  assert.is(stream(PCMU.ssrc).flow.dstPort, 5004);
});

test('info agrees with tshark -z rtp,streams: packets, lost, max jitter', () => {
  const ts = tsharkStreams();
  assert.is(ts.size, 2);
  for (const spec of [PCMU, OPUS]) {
    const t = ts.get(spec.ssrc)!;
    const s = stream(spec.ssrc);
    assert.is(s.packets, t.pkts, 'packets');
    assert.is(s.lost, t.lost, 'lost');
    // tshark knows the PCMU clock (8 kHz); Opus is dynamic to it (no SDP): compare where it reports jitter
    if (spec.pt === 0) assert.ok(Math.abs(s.maxJitterMs - t.maxJitter) < 0.02, `max jitter ${s.maxJitterMs} vs tshark ${t.maxJitter}`);
    assert.ok(s.maxJitterMs > 0.1, 'jitter was measured');
  }
});

test('info: RTCP counts by type agree with tshark', () => {
  const f = report.flows.find((x) => x.srcPort === 5005)!;
  assert.ok(f, 'RTCP flow found');
  const counts = new Map<string, number>();
  for (const l of tshark(['-d', 'udp.port==5005,rtcp', '-Y', 'rtcp', '-T', 'fields', '-e', 'rtcp.pt']).split('\n')) {
    for (const pt of l.split(',').filter(Boolean)) counts.set(pt, (counts.get(pt) ?? 0) + 1);
  }
  const names: Record<string, string> = { 200: 'SR', 201: 'RR', 202: 'SDES', 203: 'BYE', 205: 'RTPFB', 206: 'PSFB' };
  const want: Record<string, number> = {};
  for (const [pt, n] of [...counts].sort()) want[names[pt]] = n;
  assert.equal(f.rtcp.byType, want);
  assert.equal(want, { SR: 5, RR: 5, SDES: 10, BYE: 1, RTPFB: 3, PSFB: 4 });
});

test('info: human table, --port filter, --clock override, errors', () => {
  const r = cli(['info', file]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /0x11223344\s+0\s+395\s+5\s+1\.25/);
  assert.match(r.stdout, /SR 5, RR 5, SDES 10/);
  const p = JSON.parse(cli(['info', file, '--port', '6000', '--clock', '111=90000', '--json']).stdout) as InfoReport;
  assert.is(p.flows.length, 1);
  assert.is(p.flows[0].streams[0].clockRate, 90000);
  const bad = cli(['info', join(dir, 'nope.pcap')]);
  assert.is(bad.status, 1);
  const garbage = cli(['info', 'package.json']);
  assert.is(garbage.status, 1);
  assert.match(garbage.stderr, /not a pcap or pcapng file/);
  assert.is(cli(['info', file, '--clock', 'x']).status, 2);
  assert.is(cli(['--help']).status, 0);
  // a capture cut mid-block: the numbers for what was read, and a clear error
  const cut = join(dir, 'cut.pcapng');
  writeFileSync(cut, readFileSync(file).subarray(0, 30_000));
  const c = cli(['info', cut, '--json']);
  assert.is(c.status, 1);
  assert.match(c.stderr, /pcap: file truncated at byte \d+/);
  const rep = JSON.parse(c.stdout) as InfoReport;
  assert.is(rep.error?.code, 'PCAP_TRUNCATED');
  assert.ok(rep.counts.packets > 50 && rep.counts.packets < 200, String(rep.counts.packets));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
