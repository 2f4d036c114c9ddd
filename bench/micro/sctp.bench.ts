// SCTP (src/sctp): CRC32c over a full packet (slicing-by-4 vs the byte-at-a-time table
// loop of RFC 9260 appendix B), and one 1 KiB message across an established pair of our
// associations (send -> DATA packet -> receive + deliver -> SACK back), pumped in-process.
import type { MicroCase } from './case.js';
import { crc32c } from '../../src/sctp/crc32c.js';
import { SctpAssociation } from '../../src/sctp/association.js';

const pkt = Buffer.alloc(1140, 0x5a);
const T = new Int32Array(256);
for (let n = 0; n < 256; n++) { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1; T[n] = c; }
function crcBytewise(b: Buffer): number { let c = -1; for (let i = 0; i < b.length; i++) c = T[(c ^ b[i]) & 0xff] ^ (c >>> 8); return ~c >>> 0; }

let now = 1;
const toA: Buffer[] = [];
const toB: Buffer[] = [];
const mk = (box: Buffer[]) => new SctpAssociation({ now: () => now, schedule: () => {}, output: (b, l) => { box.push(Buffer.from(b.subarray(0, l))); } });
const a = mk(toB);
const b = mk(toA);
let delivered = 0;
b.onMessage = () => { delivered++; };
const pump = () => { while (toA.length || toB.length) { const x = toB.shift(); if (x) b.handlePacket(x); const y = toA.shift(); if (y) a.handlePacket(y); } };
a.connect();
pump();
if (!a.established || !b.established) throw new Error('sctp bench: pair did not establish');
const msg = Buffer.alloc(1024, 1);

export const cases: MicroCase[] = [
  {
    name: 'sctp crc32c 1140 B (slicing-by-4)',
    fn: () => { crc32c(pkt, 0, pkt.length); },
    baseline: { name: 'byte-at-a-time table CRC32c', fn: () => { crcBytewise(pkt); } },
  },
  {
    name: 'sctp 1 KiB message across an association pair (DATA + delivery + SACK)',
    fn: () => {
      const before = delivered;
      a.send(1, 53, msg);
      now += 1;
      a.poll(now); // flushes the DATA
      pump();
      now += 250;
      b.poll(now); // delayed SACK
      pump();
      if (delivered !== before + 1) throw new Error('message not delivered');
    },
  },
];
