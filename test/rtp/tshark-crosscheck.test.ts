// Cross-check against an independent implementation: write RTP (with one- and two-byte
// extensions, CSRCs, padding) and every RTCP type into a pcap with our writer, dissect
// it with tshark, and compare what tshark reports with what our views read.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PcapFileWriter, PcapReader, PcapStatus, UdpLocation, locateUdp, ipv4ToU32, LinkType } from '../../src/pcap/index.js';
import * as R from '../../src/rtp/index.js';

const RTP_PORT = 5004, RTCP_PORT = 5005;
const dir = mkdtempSync(join(tmpdir(), 'sb-tshark-'));
const file = join(dir, 'rtp-rtcp.pcap');
const LO = ipv4ToU32('127.0.0.1');

// Deterministic input.
let seed = 12345;
const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 8) % n; };

function buildCapture(): void {
  const w = new PcapFileWriter(file, { linkType: LinkType.ETHERNET });
  const b = Buffer.alloc(4000);
  let t = 1_000_000;
  for (let i = 0; i < 40; i++) {
    const two = i % 3 === 2;
    const exts: R.RtpExtensionInit[] = [];
    if (i % 4 !== 3) exts.push({ id: 1, value: Buffer.from([rnd(256)]) });
    if (i % 2 === 0) exts.push({ id: two ? 200 : 3, value: Buffer.from([rnd(256), rnd(256)]) });
    if (i % 5 === 0) exts.push({ id: 4, value: Buffer.from('mid' + i) });
    const n = R.writeRtpPacket(b, 0, {
      payloadType: 96 + (i % 3), sequenceNumber: (65530 + i) & 0xffff, timestamp: (0xfffff000 + i * 3000) >>> 0,
      ssrc: 0x80000000 + (i % 2), marker: i % 7 === 0, csrcs: i % 6 === 1 ? [rnd(1 << 30), 7] : [],
      extensions: exts, twoByteExtensions: two, paddingLength: i % 8 === 5 ? 1 + rnd(8) : 0,
    }, Buffer.alloc(1 + rnd(100), i));
    w.writeUdp(t += 1000, LO, 40000, LO, RTP_PORT, b, 0, n);
  }
  const cw = new R.RtcpCompoundWriter();
  const rb = (k: number): R.ReportBlockInit => ({ ssrc: 100 + k, fractionLost: rnd(256), cumulativeLost: rnd(2000) - 1000, highestSeq: rnd(1 << 30), jitter: rnd(10000), lsr: rnd(1 << 30), dlsr: rnd(1 << 20) });
  for (let i = 0; i < 6; i++) {
    cw.reset(b, 0);
    cw.put(R.writeSenderReport(b, cw.end, { ssrc: 1 + i, ntpSeconds: 0xe0000000 + i, ntpFraction: rnd(1 << 30), rtpTimestamp: rnd(1 << 30), packetCount: rnd(1e6), octetCount: rnd(1e8), reports: [rb(0), rb(1)].slice(0, i % 3) }));
    cw.put(R.writeSdes(b, cw.end, [{ ssrc: 1 + i, cname: 'cname-' + 'x'.repeat(i) }]));
    cw.put(R.writeReceiverReport(b, cw.end, 9, [rb(2)]));
    const lost: number[] = [];
    for (let s = 65500 + i; lost.length < 20; s += 1 + rnd(9)) lost.push(s & 0xffff);
    cw.put(R.writeNack(b, cw.end, 1, 2, lost));
    cw.put(R.writePli(b, cw.end, 1, 2 + i));
    cw.put(R.writeFir(b, cw.end, 1, [{ ssrc: 2, seqNr: i }, { ssrc: 3, seqNr: 200 + i }]));
    cw.put(R.writeRemb(b, cw.end, 1, 50_000 * (i + 1) ** 4 + rnd(1000), [2, 3, 4].slice(0, 1 + (i % 3))));
    cw.put(R.writeTwccFeedback(b, cw.end, twccInput(i)));
    cw.put(R.writeXr(b, cw.end, { ssrc: 1, rrtr: { ntpSeconds: 0xe1000000 + i, ntpFraction: rnd(1 << 30) }, dlrr: [{ ssrc: 2, lrr: rnd(1 << 30), dlrr: rnd(1 << 20) }] }));
    cw.put(R.writeBye(b, cw.end, [1 + i, 50], i % 2 ? 'going' : undefined));
    cw.put(R.writeApp(b, cw.end, i, 1, 'test', Buffer.alloc(4 * i, i)));
    assert.is(cw.status, R.RtpStatus.OK);
    w.writeUdp(t += 1000, LO, 40001, LO, RTCP_PORT, b, 0, cw.length);
  }
  w.close();
}

function twccInput(i: number): R.TwccFeedbackInit {
  const count = 20 + i * 15;
  const arrivalUs: number[] = [];
  let t = 10_000_000 + i * 1_000_000;
  for (let k = 0; k < count; k++) {
    const lost = (i === 2 && k > 5 && k < 40) || rnd(10) === 0;
    if (lost) { arrivalUs.push(-1); continue; }
    t += rnd(5) === 0 ? 70_000 + rnd(10_000) : rnd(3000);
    arrivalUs.push(rnd(15) === 0 ? t - 20_000 : t);
  }
  return { senderSsrc: 1, mediaSsrc: 2, baseSeq: (65500 + i * 10) & 0xffff, fbPktCount: i, count, arrivalUs };
}

function tshark(format: string[]): string {
  const r = spawnSync('tshark', ['-r', file, '-d', `udp.port==${RTP_PORT},rtp`, '-d', `udp.port==${RTCP_PORT},rtcp`, ...format],
    { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  assert.is(r.status, 0, r.stderr);
  return r.stdout;
}

/** All values of `key` anywhere under `o`, in document order, arrays flattened. */
function all(o: unknown, key: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(o)) { for (const x of o) all(x, key, out); return out; }
  if (o && typeof o === 'object') {
    for (const [k, v] of Object.entries(o)) {
      if (k === key) { if (Array.isArray(v)) out.push(...v); else out.push(v); } else all(v, key, out);
    }
  }
  return out;
}
const nums = (o: unknown, key: string) => all(o, key).map((x) => Number(x));

buildCapture();
const frames = (JSON.parse(tshark(['-T', 'json', '--no-duplicate-keys'])) as any[]).map((f) => f._source.layers);
const pdml = tshark(['-T', 'pdml']);
const cap = readFileSync(file);
const reader = new PcapReader();
reader.reset(cap);
const loc = new UdpLocation();
const ours: { port: number; off: number; len: number }[] = [];
while (reader.next() === PcapStatus.OK) {
  assert.is(locateUdp(cap, reader.dataOffset, reader.capturedLength, reader.linkType, loc), PcapStatus.OK);
  ours.push({ port: loc.dstPort, off: loc.payloadOffset, len: loc.payloadLength });
}

test('tshark sees every frame we wrote', () => {
  assert.is(frames.length, 46);
  assert.is(ours.length, 46);
});

test('RTP: seq, ts, ssrc, marker, pt, csrc, extensions, payload, padding match tshark', () => {
  const v = new R.RtpView();
  let checked = 0;
  frames.forEach((f, i) => {
    if (ours[i].port !== RTP_PORT) return;
    const t = f.rtp;
    assert.ok(t, `frame ${i} has no rtp layer`);
    assert.is(v.reset(cap, ours[i].off, ours[i].len), R.RtpStatus.OK);
    assert.is(Number(t['rtp.seq']), v.sequenceNumber);
    assert.is(Number(t['rtp.timestamp']), v.timestamp);
    assert.is(Number(t['rtp.ssrc']), v.ssrc);
    assert.is(t['rtp.marker'] === '1', v.marker);
    assert.is(Number(t['rtp.p_type']), v.payloadType);
    assert.equal(nums(t, 'rtp.csrc.item'), Array.from({ length: v.csrcCount }, (_, k) => v.csrc(k)));
    const ids = nums(t, 'rtp.ext.rfc5285.id');
    const data = all(t, 'rtp.ext.rfc5285.data').map((x) => String(x).replace(/:/g, ''));
    const seen: [number, string][] = [];
    v.forEachExtension((id, o, l) => seen.push([id, cap.subarray(o, o + l).toString('hex')]));
    assert.equal(ids.map((id, k) => [id, data[k]]), seen);
    assert.is(String(t['rtp.payload']).replace(/:/g, ''), cap.subarray(v.payloadOffset, v.payloadOffset + v.payloadLength).toString('hex'));
    assert.is(Number(t['rtp.padding.count'] ?? 0), v.paddingLength);
    checked++;
  });
  assert.is(checked, 40);
});

test('RTCP: every sub-packet type, length and fields match tshark', () => {
  const it = new R.RtcpCompoundView();
  const rv = new R.ReportView(), sd = new R.SdesView(), nk = new R.NackView(), fir = new R.FirView(), remb = new R.RembView();
  const xr = new R.XrView(), bye = new R.ByeView(), app = new R.AppView(), pli = new R.PliView();
  const types = new Set<number>();
  frames.forEach((f, i) => {
    if (ours[i].port !== RTCP_PORT) return;
    const subs = Array.isArray(f.rtcp) ? f.rtcp : [f.rtcp];
    assert.is(it.reset(cap, ours[i].off, ours[i].len), R.RtpStatus.OK);
    for (const t of subs) {
      assert.is(it.next(), R.RtpStatus.OK);
      const o = it.offset, l = it.length;
      types.add(it.type);
      assert.is(Number(t['rtcp.pt']), it.type);
      assert.is(Number(t['rtcp.length']), l / 4 - 1);
      switch (it.type) {
        case R.RtcpType.SR: case R.RtcpType.RR: {
          assert.is(rv.reset(cap, o, l), R.RtpStatus.OK);
          assert.is(Number(t['rtcp.senderssrc']), rv.ssrc);
          if (rv.isSender) {
            assert.equal([Number(t['rtcp.timestamp.ntp.msw']), Number(t['rtcp.timestamp.ntp.lsw']), Number(t['rtcp.timestamp.rtp']), Number(t['rtcp.sender.packetcount']), Number(t['rtcp.sender.octetcount'])],
              [rv.ntpSeconds, rv.ntpFraction, rv.rtpTimestamp, rv.packetCount, rv.octetCount]);
          }
          const blocks = Array.from({ length: rv.reportCount }, (_, k) => R.readReportBlock(cap, rv.blockOffset(k)));
          assert.equal(nums(t, 'rtcp.ssrc.identifier'), blocks.map((x) => x.ssrc));
          assert.equal(nums(t, 'rtcp.ssrc.fraction'), blocks.map((x) => x.fractionLost));
          assert.equal(nums(t, 'rtcp.ssrc.cum_nr'), blocks.map((x) => x.cumulativeLost));
          assert.equal(nums(t, 'rtcp.ssrc.ext_high'), blocks.map((x) => x.highestSeq));
          assert.equal(nums(t, 'rtcp.ssrc.jitter'), blocks.map((x) => x.jitter));
          assert.equal(nums(t, 'rtcp.ssrc.lsr'), blocks.map((x) => x.lsr));
          assert.equal(nums(t, 'rtcp.ssrc.dlsr'), blocks.map((x) => x.dlsr));
          break;
        }
        case R.RtcpType.SDES:
          assert.is(sd.reset(cap, o, l), R.RtpStatus.OK);
          assert.is(sd.nextChunk(), R.RtpStatus.OK);
          assert.equal(nums(t, 'rtcp.ssrc.identifier'), [sd.ssrc]);
          assert.equal(all(t, 'rtcp.sdes.text'), [R.sdesCname(sd)]);
          break;
        case R.RtcpType.BYE:
          assert.is(bye.reset(cap, o, l), R.RtpStatus.OK);
          assert.equal(nums(t, 'rtcp.ssrc.identifier'), Array.from({ length: bye.count }, (_, k) => bye.ssrc(k)));
          assert.equal(all(t, 'rtcp.sdes.text'), bye.reasonOffset < 0 ? [] : [cap.subarray(bye.reasonOffset, bye.reasonOffset + bye.reasonLength).toString()]);
          break;
        case R.RtcpType.APP:
          assert.is(app.reset(cap, o, l), R.RtpStatus.OK);
          assert.equal([Number(t['rtcp.app.subtype']), Number(t['rtcp.ssrc.identifier']), t['rtcp.app.name']], [app.subtype, app.ssrc, 'test']);
          break;
        case R.RtcpType.RTPFB:
          if (it.count === R.RtpfbFmt.NACK) {
            assert.is(nk.reset(cap, o, l), R.RtpStatus.OK);
            assert.equal([Number(t['rtcp.senderssrc']), Number(t['rtcp.mediassrc'])], [nk.senderSsrc, nk.mediaSsrc]);
            // tshark lists each entry's PID and, in a subtree, the PIDs the BLP bits name
            // (as pid + k without the 16-bit wrap): together, the lost list.
            const out = new Uint16Array(400);
            const n = nk.fillLost(out);
            const sorted = (a: number[]) => a.sort((x, y) => x - y);
            assert.equal(sorted(nums(t, 'rtcp.rtpfb.nack_pid').map((x) => x & 0xffff)), sorted(Array.from(out.subarray(0, n))));
            assert.equal(all(t, 'rtcp.rtpfb.nack_blp').map((x) => Number(x)), Array.from({ length: nk.entryCount }, (_, k) => nk.blp(k)));
          } else {
            const tw = new R.TwccFeedbackView();
            assert.is(tw.reset(cap, o, l), R.RtpStatus.OK);
            const c = t['Transport-cc'];
            assert.equal([Number(c['rtcp.rtpfb.transportcc.baseseq']), Number(c['rtcp.rtpfb.transportcc.statuscount']), Number(c['rtcp.rtpfb.transportcc.reftime']), Number(c['rtcp.rtpfb.transportcc.pktcount'])],
              [tw.baseSeq, tw.statusCount, tw.referenceTime, tw.fbPktCount]);
          }
          break;
        case R.RtcpType.PSFB:
          if (it.count === R.PsfbFmt.PLI) {
            assert.is(pli.reset(cap, o, l), R.RtpStatus.OK);
            assert.equal([Number(t['rtcp.senderssrc']), Number(t['rtcp.mediassrc'])], [pli.senderSsrc, pli.mediaSsrc]);
          } else if (it.count === R.PsfbFmt.FIR) {
            assert.is(fir.reset(cap, o, l), R.RtpStatus.OK);
            assert.equal(nums(t, 'rtcp.psfb.fir.fci.ssrc'), Array.from({ length: fir.entryCount }, (_, k) => fir.ssrc(k)));
            assert.equal(nums(t, 'rtcp.psfb.fir.fci.csn'), Array.from({ length: fir.entryCount }, (_, k) => fir.seqNr(k)));
          } else {
            assert.is(remb.reset(cap, o, l), R.RtpStatus.OK);
            const exp = nums(t, 'rtcp.psfb.remb.fci.br_exp')[0], mant = nums(t, 'rtcp.psfb.remb.fci.br_mantissa')[0];
            assert.is(mant * 2 ** exp, remb.bitrate);
            assert.equal(nums(t, 'rtcp.psfb.remb.fci.ssrc'), Array.from({ length: remb.ssrcCount }, (_, k) => remb.ssrc(k)));
          }
          break;
        case R.RtcpType.XR: {
          assert.is(xr.reset(cap, o, l), R.RtpStatus.OK);
          const bts: number[] = [], lrr: number[] = [], dlrr: number[] = [];
          while (xr.nextBlock() === R.RtpStatus.OK) {
            bts.push(xr.blockType);
            if (xr.blockType === R.XrBlockType.DLRR) for (let k = 0; k < xr.dlrrCount; k++) { lrr.push(xr.dlrrLrr(k)); dlrr.push(xr.dlrrDlrr(k)); }
          }
          assert.equal(nums(t, 'rtcp.xr.bt'), bts);
          assert.equal(nums(t, 'rtcp.xr.lrr'), lrr);
          assert.equal(nums(t, 'rtcp.xr.dlrr'), dlrr);
          break;
        }
        default: assert.unreachable(`type ${it.type}`);
      }
    }
    assert.is(it.next(), R.RtpStatus.END);
  });
  assert.equal([...types].sort(), [200, 201, 202, 203, 204, 205, 206, 207]);
});

test('REMB bitrate and XR RRTR timestamp match tshark (PDML raw values)', () => {
  const rates = [...pdml.matchAll(/showname="Maximum bit rate: (\d+)"/g)].map((m) => Number(m[1]));
  const rrtr = [...pdml.matchAll(/name="rtcp.xr.timestamp"[^>]*value="([0-9a-f]{16})"/g)].map((m) => m[1]);
  const rv = new R.RembView(), xr = new R.XrView(), it = new R.RtcpCompoundView();
  const ourRates: number[] = [], ourRrtr: string[] = [];
  for (const p of ours) {
    if (p.port !== RTCP_PORT) continue;
    it.reset(cap, p.off, p.len);
    while (it.next() === R.RtpStatus.OK) {
      if (it.type === R.RtcpType.PSFB && rv.reset(cap, it.offset, it.length) === R.RtpStatus.OK) ourRates.push(rv.bitrate);
      if (it.type === R.RtcpType.XR && xr.reset(cap, it.offset, it.length) === R.RtpStatus.OK) {
        while (xr.nextBlock() === R.RtpStatus.OK) if (xr.blockType === R.XrBlockType.RRTR) ourRrtr.push(xr.rrtrNtpSeconds.toString(16).padStart(8, '0') + xr.rrtrNtpFraction.toString(16).padStart(8, '0'));
      }
    }
  }
  assert.is(ourRates.length, 6);
  assert.equal(rates, ourRates);
  assert.equal(rrtr, ourRrtr);
});

test('TWCC: chunk types, and each received packet\'s seq and delta match tshark', () => {
  const deltas = [...pdml.matchAll(/showname="Recv Delta: 0x[0-9a-f]+ (?:Small|Large|Negative) Delta: \[seq: (\d+)\] (-?[\d.]+) ms"/g)].map((m) => [Number(m[1]), Number(m[2])]);
  const chunkKinds = new Set([...pdml.matchAll(/showname="Packet Chunk: \d+ \(0x[0-9a-f]+\) \[([^\]]+)\]/g)].map((m) => m[1]));
  const it = new R.RtcpCompoundView(), tw = new R.TwccFeedbackView();
  const mine: number[][] = [];
  const seq = new Uint16Array(1000), st = new Uint8Array(1000), dl = new Int32Array(1000);
  let feedbacks = 0;
  for (const p of ours) {
    if (p.port !== RTCP_PORT) continue;
    it.reset(cap, p.off, p.len);
    while (it.next() === R.RtpStatus.OK) {
      if (it.type !== R.RtcpType.RTPFB || it.count !== R.RtpfbFmt.TWCC) continue;
      assert.is(tw.reset(cap, it.offset, it.length), R.RtpStatus.OK);
      feedbacks++;
      const n = tw.decode(seq, st, dl);
      for (let k = 0; k < n; k++) if (st[k] !== 0) mine.push([seq[k], dl[k] / 1000]);
    }
  }
  assert.is(feedbacks, 6);
  assert.ok(mine.length > 100);
  assert.equal(deltas, mine);
  assert.ok(chunkKinds.has('Run Length Chunk'), [...chunkKinds].join());
  assert.ok(chunkKinds.has('1 bit Status Vector Chunk'), [...chunkKinds].join());
  assert.ok(chunkKinds.has('2 bits Status Vector Chunk'), [...chunkKinds].join());
  assert.ok(pdml.includes('Negative Delta') && pdml.includes('Large Delta'));
});

test('cleanup', () => { if (!process.env.KEEP_PCAP) rmSync(dir, { recursive: true, force: true }); else console.log('kept', file); });

test.run();
