import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Readable } from 'node:stream';
import { CaptureReader, PcapStatus, PcapWriter, PcapngWriter, LinkType, PcapError, readCaptureStream, bufferSource, Timestamp, unitsToTimestamp, timestampToUnits } from '../../src/pcap/index.js';
import { units } from '../../src/pcap/timestamp.js';
import { collector, readAll, samplePackets, writeSamples } from './helpers.js';

const LINKS = [LinkType.ETHERNET, LinkType.RAW, LinkType.LINUX_SLL, LinkType.IPV4, LinkType.IPV6, LinkType.LINUX_SLL2];

for (const lt of LINKS) {
  for (const v6 of [false, true]) {
    if ((lt === LinkType.IPV4 && v6) || (lt === LinkType.IPV6 && !v6)) continue;
    for (const fmt of ['pcap-us', 'pcap-ns', 'pcapng-us', 'pcapng-ns'] as const) {
      test(`round trip ${fmt}, link ${lt}, IPv${v6 ? 6 : 4}`, () => {
        const c = collector();
        const nanos = fmt.endsWith('ns');
        const w = fmt.startsWith('pcapng') ? new PcapngWriter(c.sink, { interfaces: [{ linkType: lt, tsResolution: nanos ? 'ns' : 'us' }] }) : new PcapWriter(c.sink, { linkType: lt, nanos });
        const pk = samplePackets(12, v6);
        writeSamples(w, pk);
        const { status, pkts, reader } = readAll(c.bytes());
        assert.is(status, PcapStatus.END);
        assert.is(reader.format, fmt.startsWith('pcapng') ? 'pcapng' : 'pcap');
        assert.is(pkts.length, pk.length);
        pk.forEach((p, i) => {
          const q = pkts[i];
          assert.is(q.linkType, lt);
          assert.is(q.sec, p.sec);
          assert.is(q.ns, nanos ? p.ns : Math.round(p.ns / 1000) * 1000);
          assert.is(q.payload, p.payload.toString('hex'));
          assert.is(q.sport, p.flow.srcPort);
          assert.is(q.dport, 6000);
          assert.is(q.src, v6 ? '20010db8000000000000000000000001' : '10.0.0.1');
        });
      });
    }
  }
}

test('pcapng: two interfaces with different link types and tsresol (hand-made), big-endian too', () => {
  for (const le of [true, false]) {
    const w32 = (v: number) => { const b = Buffer.alloc(4); if (le) b.writeUInt32LE(v >>> 0); else b.writeUInt32BE(v >>> 0); return b; };
    const w16 = (v: number) => { const b = Buffer.alloc(2); if (le) b.writeUInt16LE(v); else b.writeUInt16BE(v); return b; };
    const block = (type: number, body: Buffer) => { const len = 12 + body.length; return Buffer.concat([w32(type), w32(len), body, w32(len)]); };
    const shb = block(0x0a0d0d0a, Buffer.concat([w32(0x1a2b3c4d), w16(1), w16(0), w32(-1), w32(-1)]));
    // if0: raw IP, tsresol 10^-3 (ms), if_tsoffset 100 s; if1: SLL2, tsresol 2^-10
    const opt = (code: number, val: Buffer) => Buffer.concat([w16(code), w16(val.length), val, Buffer.alloc((4 - (val.length % 4)) % 4)]);
    const off8 = le ? Buffer.from([100, 0, 0, 0, 0, 0, 0, 0]) : Buffer.from([0, 0, 0, 0, 0, 0, 0, 100]);
    const idb0 = block(1, Buffer.concat([w16(101), w16(0), w32(0), opt(9, Buffer.from([3])), opt(14, off8), opt(0, Buffer.alloc(0))]));
    const idb1 = block(1, Buffer.concat([w16(276), w16(0), w32(65535), opt(9, Buffer.from([0x80 | 10]))]));
    const nrb = block(4, Buffer.alloc(4)); // name resolution: skipped
    const frame4 = Buffer.from('4500001d0000400040110000' + '0a000001' + '0a000002' + '04d2162e0009' + '0000' + '61', 'hex');
    const frame6 = Buffer.concat([Buffer.from('86dd0000000000010001000600000000000000000000', 'hex').subarray(0, 20),
      Buffer.from('60000000000a1140' + '20010db8000000000000000000000001' + '20010db8000000000000000000000002' + '04d2162e000a0000' + '6263', 'hex')]);
    const epb = (ifId: number, hi: number, lo: number, f: Buffer) => block(6, Buffer.concat([w32(ifId), w32(hi), w32(lo), w32(f.length), w32(f.length), f, Buffer.alloc((4 - (f.length % 4)) % 4)]));
    const file = Buffer.concat([shb, idb0, nrb, idb1,
      epb(0, Math.floor(1_700_000_000_123 / 2 ** 32), 1_700_000_000_123 % 2 ** 32, frame4), // ms units
      epb(1, 0x196, 0x8c02fc00, frame6),                    // 2^-10 s units
      block(3, Buffer.concat([w32(frame4.length), frame4, Buffer.alloc(3)]))]); // SPB on if0
    const { status, pkts, reader } = readAll(file, 48);
    assert.is(status, PcapStatus.END, reader.errorMessage);
    assert.is(reader.interfaces.length, 2);
    assert.is(pkts.length, 3);
    assert.equal([pkts[0].sec, pkts[0].ns, pkts[0].ifId, pkts[0].linkType, pkts[0].payload], [1_700_000_100, 123_000_000, 0, 101, '61']);
    // 0x196_8c02fc00 / 1024 = 1700000000 + 0x000/1024... computed independently:
    const t = 0x196 * 2 ** 32 + 0x8c02fc00;
    assert.equal([pkts[1].sec, pkts[1].ns, pkts[1].ifId, pkts[1].linkType, pkts[1].payload], [Math.floor(t / 1024), Math.floor(((t % 1024) * 1e9) / 1024), 1, 276, '6263']);
    assert.equal([pkts[2].sec, pkts[2].ns, pkts[2].ifId, pkts[2].payload], [0, 0, 0, '61']);
    assert.is(reader.hasTimestamp, false);
  }
});

test('timestamp conversion is exact for ns, µs, ms and 2^-k units', () => {
  const ts = new Timestamp();
  for (const [sec, ns] of [[0, 0], [1_700_000_000, 999_999_999], [4_294_967_295, 1], [1_234_567_890, 123_456_789]]) {
    timestampToUnits(sec, ns, true);
    const { hi, lo } = units;
    unitsToTimestamp(hi, lo, 9, ts);
    assert.equal([ts.sec, ts.ns], [sec, ns]);
    const big = BigInt(sec) * 1_000_000_000n + BigInt(ns);
    assert.equal([hi, lo], [Number(big >> 32n), Number(big & 0xffffffffn)]);
  }
  unitsToTimestamp(0, 1500, 3, ts); assert.equal([ts.sec, ts.ns], [1, 500_000_000]);
  // random 64-bit counts in every decimal resolution, against BigInt
  let x = 12345;
  const r32 = () => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x; };
  for (let i = 0; i < 5000; i++) {
    const k = i % 10;
    const hi = i % 3 === 0 ? r32() % 0x1a0000 : r32(), lo = r32(); // realistic (ns since 1970) and any
    const T = (BigInt(hi) << 32n) + BigInt(lo), d = 10n ** BigInt(k);
    if (T / d > BigInt(Number.MAX_SAFE_INTEGER)) continue;
    unitsToTimestamp(hi, lo, k, ts);
    assert.equal([ts.sec, ts.ns], [Number(T / d), Number(T % d) * 10 ** (9 - k)], `k=${k} hi=${hi} lo=${lo}`);
  }
  unitsToTimestamp(1, 0, 0x80 | 32, ts); assert.equal([ts.sec, ts.ns], [1, 0]);
  unitsToTimestamp(0, 3, 0x81, ts); assert.equal([ts.sec, ts.ns], [1, 500_000_000]);
});
test('errors are typed statuses, never throws: garbage, empty, truncated, bad block, 4 GB block', () => {
  const c = collector();
  const w = new PcapngWriter(c.sink);
  writeSamples(w, samplePackets(3, false));
  const good = c.bytes();
  const cases: [string, Buffer, number][] = [
    ['garbage', Buffer.from('this is not a capture file at all'), PcapStatus.BAD_MAGIC],
    ['empty', Buffer.alloc(0), PcapStatus.BAD_MAGIC],
    ['truncated pcapng', good.subarray(0, good.length - 5), PcapStatus.TRUNCATED],
  ];
  const huge = Buffer.from(good); huge.writeUInt32LE(0xfffffffc, good.readUInt32LE(4) + 4); // IDB length = 4 GB - 4
  cases.push(['4 GB block', huge, PcapStatus.BLOCK_TOO_LARGE]);
  const odd = Buffer.from(good); odd.writeUInt32LE(30, good.readUInt32LE(4) + 4);
  cases.push(['length not /4', odd, PcapStatus.BAD_BLOCK]);
  const pc = collector();
  const pw = new PcapWriter(pc.sink);
  writeSamples(pw, samplePackets(2, false));
  const classic = pc.bytes();
  cases.push(['truncated pcap', classic.subarray(0, classic.length - 1), PcapStatus.TRUNCATED]);
  const bigRec = Buffer.from(classic); bigRec.writeUInt32LE(0xffffffff, 24 + 8);
  cases.push(['4 GB pcap record', bigRec, PcapStatus.BLOCK_TOO_LARGE]);
  for (const [name, bytes, want] of cases) {
    const { status, reader } = readAll(bytes);
    assert.is(status, want, name);
    assert.is(reader.next(), want, `${name}: sticky`);
    const e = reader.error(status);
    assert.instance(e, PcapError);
    assert.ok(/^PCAP_/.test(e.code) && e.message.includes('at byte'), e.message);
  }
  // the 4 GB block was refused without growing the window
  const r = new CaptureReader(bufferSource(huge), { bufferSize: 1024 });
  assert.is(r.next(), PcapStatus.BLOCK_TOO_LARGE);
  assert.ok(r.buf.length <= 1024);
});

test('push mode and readCaptureStream give the same packets as pull mode', async () => {
  const c = collector();
  const w = new PcapngWriter(c.sink, { interfaces: [{ linkType: LinkType.LINUX_SLL2, tsResolution: 'ns' }, { linkType: LinkType.ETHERNET }] });
  writeSamples(w, samplePackets(20, true), 0);
  writeSamples(w, samplePackets(20, false), 1);
  const bytes = c.bytes();
  const pull = readAll(bytes, 100).pkts.map((p) => `${p.ifId} ${p.sec}.${p.ns} ${p.payload}`);
  assert.is(pull.length, 40);
  const got: string[] = [];
  const r = new CaptureReader(null, { bufferSize: 100 });
  const chunks = [];
  for (let i = 0; i < bytes.length; i += 37) chunks.push(bytes.subarray(i, i + 37));
  const s = await readCaptureStream(r, Readable.from(chunks), (x) => { got.push(`${x.interfaceId} ${x.ts.sec}.${x.ts.ns}`); });
  assert.is(s, PcapStatus.END);
  assert.equal(got, pull.map((l) => l.split(' ').slice(0, 2).join(' ')));
});

test('writer refuses unknown link types and interfaces with typed errors', () => {
  assert.throws(() => new PcapWriter(() => {}, { linkType: 147 }), (e: PcapError) => e.code === 'PCAP_BAD_LINKTYPE');
  const w = new PcapngWriter(() => {});
  assert.throws(() => w.writeFrame(0, Buffer.alloc(4), 0, 4, 3), (e: PcapError) => e.code === 'PCAP_BAD_INTERFACE');
});

test.run();
