// `npm run pcap -- info | decrypt` over TCP (RFC 4571) and TURN (UDP and TCP): a capture
// with SRTP on all four carriers, pcap and pcapng. Checked against what was written, and
// against tshark (independent: its own TCP reassembly, RFC 4571 RTP and TURN dissectors).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { pcapInfo, pcapDecrypt, formatInfo } from '../../src/cli/pcap.js';
import { PcapFileWriter, LinkType, TCP_SYN } from '../../src/pcap/index.js';
import { readAll, flow4 } from '../pcap/helpers.js';
import { rfc4571, rtp, tcpFrame, segments } from '../pcap/tcp-helpers.js';
import { writeRelayed, key, PROFILE, type Expect } from './pcap-relayed-capture.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-pcap-relay-'));
const files = [false, true].map((ng) => { const f = join(dir, `relayed.${ng ? 'pcapng' : 'pcap'}`); return { f, exp: writeRelayed(f, ng) }; });

/** tshark's RTP packets per SSRC (seq list), with RFC 4571 on port 443 and heuristic RTP (finds it in TURN). */
function tsharkRtp(file: string, extra: string[] = []): Map<number, number[]> {
  const r = spawnSync('tshark', ['-r', file, '-o', 'rtp.heuristic_rtp:TRUE', '-o', 'tcp.reassemble_out_of_order:TRUE', '-d', 'tcp.port==443,rtp', ...extra,
    '-Y', 'rtp', '-T', 'fields', '-e', 'rtp.ssrc', '-e', 'rtp.seq'], { encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  const m = new Map<number, number[]>();
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const [ss, qs] = line.split('\t');
    const q = qs.split(',');
    if (ss === '') continue; // the STUN check on port 443, decoded as RTP by force
    ss.split(',').forEach((s, i) => { const k = Number(s); if (!m.has(k)) m.set(k, []); m.get(k)!.push(Number(q[i])); });
  }
  return m;
}

const key4 = (x: { src: string; dst: string; carrier: string; ssrc: number }) => `${x.src} ${x.dst} ${x.carrier} ${x.ssrc}`;

test('info: every stream on its carrier, relayed ones between client and peer (pcap and pcapng)', () => {
  for (const { f, exp } of files) {
    const rep = pcapInfo(f);
    const got = rep.flows.flatMap((fl) => fl.streams.map((s) => ({ k: key4({ src: `${fl.src}:${fl.srcPort}`, dst: `${fl.dst}:${fl.dstPort}`, carrier: fl.carrier, ssrc: s.ssrc }), relay: fl.relay, packets: s.packets, lost: s.lost, dup: s.duplicates })));
    assert.equal(got.map((g) => g.k).sort(), exp.map(key4).sort(), f);
    for (const e of exp) {
      const g = got.find((x) => x.k === key4(e))!;
      assert.equal([g.packets, g.lost, g.dup, g.relay], [e.packets, 0, 0, e.relay], key4(e));
    }
    assert.is(rep.counts.rtp, 260); assert.is(rep.counts.rtcp, 2); assert.is(rep.counts.relayed, 162);
    const rr = rep.flows.find((fl) => fl.rtcp.packets > 0)!;
    // (still SRTCP here: the trailer after the RR reads as more sub-packets, as for UDP SRTCP)
    assert.equal([rr.carrier, `${rr.dst}:${rr.dstPort}`, rr.rtcp.byType.RR], ['turn-udp', '198.51.100.7:6000', 2]);
    assert.equal(rep.counts.turn, { channelData: 122, sendIndications: 20, dataIndications: 20, channelBinds: 2, unknownChannel: 0 });
    assert.is(rep.counts.tcpStreams.gaps, 0); assert.is(rep.counts.tcpStreams.retransmitted, 2); assert.is(rep.counts.tcpStreams.outOfOrder, 2);
    const text = formatInfo(rep);
    assert.match(text, /198\.51\.100\.7:6000\s+10\.0\.0\.1:40002\s+turn-udp relayed by 10\.0\.0\.9:3478\s+0x0000000d/);
    assert.match(text, /10\.0\.0\.1:40001\s+10\.0\.0\.2:443\s+tcp\s+0x0000000b/);
  }
});

test('tshark finds the same RTP packets (per SSRC, same sequence numbers) in the same capture', () => {
  for (const { f, exp } of files) {
    const t = tsharkRtp(f);
    for (const e of exp) {
      assert.equal((t.get(e.ssrc) ?? []).sort((a, b) => a - b), e.plain.map((p) => p.readUInt16BE(2)), `SSRC ${e.ssrc} in ${f}`);
    }
    assert.is([...t.values()].reduce((a, x) => a + x.length, 0), 260);
  }
});

test('decrypt: relayed and TCP SRTP comes out as plaintext UDP between the right addresses; tshark agrees', () => {
  for (const { f, exp } of files) {
    const out = f.replace('relayed', 'plain');
    const c = pcapDecrypt(f, out, { keys: [key().b64], profile: PROFILE });
    assert.is(c.rtpDecrypted, 260); assert.is(c.rtcpDecrypted, 2); assert.is(c.authFailed, 0); assert.is(c.malformed, 0);
    assert.is(c.unwrapped, 50 + 1 + 122 + 40 + 4, 'TCP datagrams (incl. STUN) + TURN data + TURN-over-TCP control');
    const pk = readAll(readFileSync(out), 4096).pkts;
    for (const e of exp) {
      const [sip, sp] = e.src.split(':'), [dip, dp] = e.dst.split(':');
      const mine = pk.filter((p) => p.src === sip && p.dst === dip && p.sport === Number(sp) && p.dport === Number(dp) && p.payload.length >= 24 && Buffer.from(p.payload, 'hex').readUInt32BE(8) === e.ssrc);
      assert.equal(mine.map((p) => p.payload), e.plain.map((p) => p.toString('hex')), key4(e));
    }
    const t = tsharkRtp(out);
    for (const e of exp) assert.is(t.get(e.ssrc)?.length, e.packets, `tshark on decrypted, SSRC ${e.ssrc}`);
    // info reads the output: every stream is now plain UDP between the same ends
    const rep = pcapInfo(out);
    assert.is(rep.counts.rtp, 260); assert.is(rep.counts.tcp, 1, 'only the SYN (no payload) passes as TCP');
    const rr = rep.flows.find((fl) => fl.rtcp.packets > 0)!;
    assert.equal([rr.rtcp.packets, rr.rtcp.unparsed, rr.rtcp.byType], [2, 0, { RR: 2 }], 'SRTCP decrypted: just the two RRs');
  }
});

test('a TCP hole: packets behind it are found again after a resync; the loss shows in info and the counts', () => {
  const f = join(dir, 'hole.pcap');
  const w = new PcapFileWriter(f, { linkType: LinkType.ETHERNET });
  const fl = flow4('10.1.0.1', 50000, '10.1.0.2', 443);
  const pk = Array.from({ length: 40 }, (_, i) => rtp(0x77, i, i * 960, 111, 80));
  const segs = segments(rfc4571(pk), 1, 200);
  const syn = tcpFrame(fl, 0, Buffer.alloc(0), TCP_SYN);
  w.writeFrame(1e15, syn, 0, syn.length);
  segs.forEach(([seq, b], i) => { if (i === 7) return; const fr = tcpFrame(fl, seq, b); w.writeFrame(1e15 + (i + 1) * 20_000, fr, 0, fr.length); });
  w.close();
  const rep = pcapInfo(f);
  const s = rep.flows[0].streams[0];
  // segment 7 held stream bytes 1400..1599; 94-byte frames 14 (1316..) to 17 (..1691) touch it
  assert.equal([s.packets, s.lost], [36, 4]);
  assert.equal([rep.counts.tcpStreams.gaps, rep.counts.tcpStreams.gapBytes, rep.counts.tcpStreams.resyncs], [1, 200, 1]);
  const t = tsharkRtp(f).get(0x77) ?? [];
  assert.ok(t.length <= 36, `tshark finds ${t.length} (it cannot resync RFC 4571 after a hole either way)`);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
