// Independent check of StreamStats: a jittery, lossy G.711 stream across the seq and
// timestamp wraps is written to a pcap and analysed by tshark's RTP stream statistics
// (`-z rtp,streams`: packets, lost, min/mean/max RFC 3550 jitter in ms).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PcapFileWriter, ipv4ToU32 } from '../../../src/pcap/index.js';
import { writeRtpPacket } from '../../../src/rtp/index.js';
import { StreamStats, SeqUnwrapper } from '../../../src/sfu/buffer/index.js';

const PORT = 5006;
const LO = ipv4ToU32('127.0.0.1');

test('received, lost and min/mean/max jitter agree with tshark rtp,streams', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-stats-'));
  try {
    const file = join(dir, 'pcmu.pcap');
    const w = new PcapFileWriter(file);
    const stats = new StreamStats(8000);
    const un = new SeqUnwrapper();
    const b = Buffer.alloc(300);
    let rnd = 5;
    const next = () => (rnd = (rnd * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const jitters: number[] = [];
    for (let i = 0; i < 400; i++) {
      if (i % 37 === 5 || (i > 200 && i < 206)) continue; // scattered loss and one burst
      const seq = (65400 + i) & 0xffff, ts = (0xffff0000 + i * 160) >>> 0;
      const n = writeRtpPacket(b, 0, { payloadType: 0, sequenceNumber: seq, timestamp: ts, ssrc: 0x1234 }, Buffer.alloc(160, 0xff));
      const atUs = 1_000_000_000 + i * 20_000 + Math.floor(next() * 6000) + (i % 50 === 0 ? 15_000 : 0);
      w.writeUdp(atUs, LO, 40000, LO, PORT, b, 0, n);
      stats.update(un.unwrap(seq), ts, n, atUs / 1000);
      jitters.push(stats.jitterMs);
    }
    w.close();
    const r = spawnSync('tshark', ['-r', file, '-d', `udp.port==${PORT},rtp`, '-q', '-z', 'rtp,streams'], { encoding: 'utf8', timeout: 60_000 });
    assert.is(r.status, 0, r.stderr);
    const line = r.stdout.split('\n').find((l) => l.includes('0x00001234'));
    assert.ok(line, r.stdout);
    // ... SSRC Payload Pkts Lost (x%) MinDelta MeanDelta MaxDelta MinJitter MeanJitter MaxJitter [X]
    const m = /0x00001234\s+\S+\s+(\d+)\s+(-?\d+)\s+\([^)]*\)\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)/.exec(line!);
    assert.ok(m, line);
    const [pkts, lost, minJ, meanJ, maxJ] = m!.slice(1).map(Number);
    assert.is(stats.received, pkts);
    assert.is(stats.lost, lost);
    assert.is(stats.extendedHighestSeq, 0x10000 + ((65400 + 399) & 0xffff));
    const after = jitters.slice(1); // tshark starts its jitter series at the second packet
    const round3 = (x: number) => Math.round(x * 1000) / 1000;
    assert.ok(Math.abs(round3(Math.max(...after)) - maxJ) <= 0.001, `max ${Math.max(...after)} vs ${maxJ}`);
    assert.ok(Math.abs(round3(Math.min(...after)) - minJ) <= 0.001, `min ${Math.min(...after)} vs ${minJ}`);
    assert.ok(Math.abs(round3(after.reduce((x, y) => x + y, 0) / after.length) - meanJ) <= 0.001, `mean vs ${meanJ}`);
    assert.ok(maxJ > 1); // the stream really was jittery
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
