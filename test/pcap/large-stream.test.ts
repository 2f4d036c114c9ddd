// A 2 GiB+ pcapng streamed from a generating source: constant memory (the window never
// grows), every packet counted, file offsets past 2^31 right.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CaptureReader, PcapStatus, PcapngWriter, LinkType, UdpLocation, locateUdp, type ByteSource } from '../../src/pcap/index.js';
import { collector, flow4 } from './helpers.js';

test('2 GiB pcapng through a 256 KiB window', () => {
  const c = collector();
  const w = new PcapngWriter(c.sink, { interfaces: [{ linkType: LinkType.ETHERNET, tsResolution: 'ns' }] });
  const head = c.bytes().length;
  w.writeUdpFlow(1_700_000_000_000_000, flow4('10.0.0.1', 1, '10.0.0.2', 2), Buffer.alloc(1357, 0xab));
  const all = c.bytes();
  const block = all.subarray(head);
  const K = Math.ceil(2 ** 31 / block.length) + 1;
  const total = head + K * block.length;
  // serves the headers, then the same EPB K times, in whatever chunk sizes are asked for
  let pos = 0;
  const src: ByteSource = {
    read(dst, off, len) {
      const n = Math.min(len, total - pos);
      for (let i = 0; i < n;) {
        const p = pos + i;
        const from = p < head ? all : block, at = p < head ? p : (p - head) % block.length;
        const k = Math.min(n - i, (p < head ? head : block.length) - at);
        dst.set(from.subarray(at, at + k), off + i);
        i += k;
      }
      pos += n;
      return n;
    },
  };
  const r = new CaptureReader(src);
  const windowSize = r.buf.length;
  const loc = new UdpLocation();
  let s: number, udp = 0, lastOffset = 0;
  while ((s = r.next()) === PcapStatus.OK) {
    if (locateUdp(r.buf, r.dataOffset, r.capturedLength, r.linkType, loc) === PcapStatus.OK && loc.payloadLength === 1357) udp++;
    lastOffset = r.blockOffset;
  }
  assert.is(s, PcapStatus.END);
  assert.is(r.packets, K);
  assert.is(udp, K);
  assert.is(lastOffset, total - block.length);
  assert.ok(lastOffset > 2 ** 31);
  assert.is(r.buf.length, windowSize, 'the window never grew');
});

test.run();
