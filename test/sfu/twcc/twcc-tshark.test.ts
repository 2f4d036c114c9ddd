// Independent dissector: feedback built by TwccRecorder (gaps, reordering, the seq wrap,
// several feedbacks from one window) written into a pcap and dissected by tshark.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PcapFileWriter, ipv4ToU32 } from '../../../src/pcap/index.js';
import { TwccRecorder } from '../../../src/sfu/twcc/index.js';
import { decodeAllFeedback, lcg } from './helpers.js';

const PORT = 5005;
const LO = ipv4ToU32('127.0.0.1');

test('tshark dissects built feedback: header fields, chunk kinds, and every received seq and delta', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-twcc-'));
  try {
    const r = new TwccRecorder({ maxFeedbackBytes: 80 });
    const rnd = lcg(21);
    let t = 3_000_000;
    const seqs: number[] = [];
    for (let i = 0; i < 160; i++) {
      if ((i >= 40 && i < 60) || (i > 100 && i < 159 && rnd() < 0.2)) continue;
      seqs.push((65480 + i) & 0xffff);
    }
    for (let i = 1; i + 1 < seqs.length; i += 11) { const x = seqs[i]; seqs[i] = seqs[i + 1]; seqs[i + 1] = x; }
    for (const s of seqs) { t += rnd() < 0.05 ? 70_000 : Math.floor(rnd() * 2000); r.record(s, t); }
    const buf = Buffer.alloc(4096);
    assert.is(r.recorded, seqs.length);
    const n = r.buildFeedback(t, buf, 0, 0x11223344, 0x55667788);
    const fbs = decodeAllFeedback(buf, 0, n);
    assert.ok(fbs.length >= 3, `${fbs.length} feedbacks`);
    const kinds = new Set(fbs.flatMap((f) => [...f.chunkKinds]));
    assert.equal([...kinds].sort(), ['run', 'vec1', 'vec2']);

    const file = join(dir, 'twcc.pcap');
    const w = new PcapFileWriter(file);
    for (const f of fbs) w.writeUdp(1_000_000, LO, 40000, LO, PORT, buf, f.off, f.len);
    w.close();

    const json = spawnSync('tshark', ['-r', file, '-d', `udp.port==${PORT},rtcp`, '-T', 'json', '--no-duplicate-keys'], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
    assert.is(json.status, 0, json.stderr);
    const frames = JSON.parse(json.stdout) as any[];
    assert.is(frames.length, fbs.length);
    frames.forEach((fr, k) => {
      const rt = fr._source.layers.rtcp;
      const c = rt['Transport-cc'];
      const f = fbs[k];
      assert.equal([Number(rt['rtcp.pt']), Number(rt['rtcp.rtpfb.fmt']), rt['rtcp.senderssrc'], rt['rtcp.mediassrc']], [205, 15, '0x11223344', '0x55667788']);
      assert.equal([Number(c['rtcp.rtpfb.transportcc.baseseq']), Number(c['rtcp.rtpfb.transportcc.statuscount']), Number(c['rtcp.rtpfb.transportcc.reftime']), Number(c['rtcp.rtpfb.transportcc.pktcount'])],
        [f.baseSeq, f.count, f.referenceTime, f.fbPktCount]);
      // Raw recv deltas, in order, are our deltas in 250 µs ticks.
      const raw = [c['Recv Delta']['rtcp.rtpfb.transportcc.recv_delta']].flat().map((h: string) => { const v = parseInt(h, 16); return h.length === 6 ? (v << 16) >> 16 : v; });
      let prev = f.referenceTime * 64000;
      const ours = f.packets.filter(([, a]) => a >= 0).map(([, a]) => { const d = (a - prev) / 250; prev = a; return d; });
      assert.equal(raw, ours);
    });

    // PDML names each received packet's seq and its delta in ms.
    const pdml = spawnSync('tshark', ['-r', file, '-d', `udp.port==${PORT},rtcp`, '-T', 'pdml'], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 }).stdout;
    const theirs = [...pdml.matchAll(/showname="Recv Delta: 0x[0-9a-f]+ (?:Small|Large|Negative) Delta: \[seq: (\d+)\] (-?[\d.]+) ms"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const mine: number[][] = [];
    for (const f of fbs) { let prev = f.referenceTime * 64000; for (const [s, a] of f.packets) if (a >= 0) { mine.push([s, (a - prev) / 1000]); prev = a; } }
    assert.is(theirs.length, seqs.length);
    assert.equal(theirs, mine);
    const chunkKinds = new Set([...pdml.matchAll(/showname="Packet Chunk: \d+ \(0x[0-9a-f]+\) \[([^\]]+)\]/g)].map((m) => m[1]));
    assert.ok(chunkKinds.size >= 3, [...chunkKinds].join(', '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
