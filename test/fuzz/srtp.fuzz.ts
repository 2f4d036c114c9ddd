// Fuzz targets for SRTP/SRTCP unprotect (and protect on arbitrary bytes). Seeds are
// valid protected packets; a mutated input must be rejected with a negative status,
// never throw, and only an exact seed may ever authenticate.
import type { FuzzTarget } from './harness.js';
import { SrtpContext, srtpProfileInfo, SUPPORTED_SRTP_PROFILES } from '../../src/srtp/index.js';

function keyFor(profile: number) {
  const p = srtpProfileInfo(profile);
  const key = Buffer.alloc(p.keyLength);
  const salt = Buffer.alloc(p.saltLength);
  for (let i = 0; i < key.length; i++) key[i] = (i * 29 + profile) & 0xff;
  for (let i = 0; i < salt.length; i++) salt[i] = (i * 13 + 7) & 0xff;
  return { key, salt };
}

function rtpSeeds(profile: number): Buffer[] {
  const { key, salt } = keyFor(profile);
  const tx = new SrtpContext(profile, key, salt);
  const out: Buffer[] = [];
  const shapes = [[0, 0, 88], [2, 0, 160], [0, 1, 40], [1, 1, 1000], [0, 0, 0]];
  for (const [i, [cc, ext, pl]] of shapes.entries()) {
    const hdr = 12 + cc * 4 + (ext ? 8 : 0);
    const b = Buffer.alloc(hdr + pl + 20);
    b[0] = 0x80 | (ext ? 0x10 : 0) | cc; b[1] = 96 + i;
    b.writeUInt16BE((65533 + i) & 0xffff, 2); // crosses the wrap
    b.writeUInt32BE(1000 + i * 7, 4);
    b.writeUInt32BE(0x11223344 + (i & 1), 8);
    if (ext) { b.writeUInt16BE(0xbede, 12 + cc * 4); b.writeUInt16BE(1, 14 + cc * 4); b[16 + cc * 4] = 0x10; }
    for (let j = hdr; j < hdr + pl; j++) b[j] = j & 0xff;
    const n = tx.protectRtp(b, hdr + pl);
    out.push(b.subarray(0, n));
  }
  return out;
}

function rtcpSeeds(profile: number): Buffer[] {
  const { key, salt } = keyFor(profile);
  const tx = new SrtpContext(profile, key, salt);
  const out: Buffer[] = [];
  for (const blocks of [0, 1, 3]) {
    const len = 8 + blocks * 24;
    const b = Buffer.alloc(len + 20);
    b[0] = 0x80 | blocks; b[1] = 201; b.writeUInt16BE(len / 4 - 1, 2); b.writeUInt32BE(0xabcdef01, 4);
    for (let j = 8; j < len; j++) b[j] = (j * 3) & 0xff;
    out.push(b.subarray(0, tx.protectRtcp(b, len)));
  }
  return out;
}

function unprotectTarget(profile: number, kind: 'rtp' | 'rtcp'): FuzzTarget {
  const seeds = kind === 'rtp' ? rtpSeeds(profile) : rtcpSeeds(profile);
  const seedHex = new Set(seeds.map((s) => s.toString('hex')));
  const { key, salt } = keyFor(profile);
  let rx = new SrtpContext(profile, key, salt);
  const scratch = Buffer.alloc(4096);
  let runs = 0;
  return {
    name: `srtp.unprotect${kind === 'rtp' ? 'Rtp' : 'Rtcp'} ${srtpProfileInfo(profile).name}`,
    seeds: () => seeds,
    run(input: Buffer) {
      // A fresh receiver now and then, so seeds authenticate again instead of always replaying.
      if (++runs % 512 === 0) rx = new SrtpContext(profile, key, salt);
      const n = input.length;
      input.copy(scratch, 0, 0, n);
      const r = kind === 'rtp' ? rx.unprotectRtp(scratch.subarray(0, n), n) : rx.unprotectRtcp(scratch.subarray(0, n), n);
      if (typeof r !== 'number' || !Number.isInteger(r)) throw new Error(`status ${String(r)} is not an integer`);
      if (r >= 0 && !seedHex.has(input.toString('hex'))) throw new Error('a mutated packet authenticated');
      if (r > n) throw new Error(`returned length ${r} > input ${n}`);
    },
  };
}

function protectTarget(profile: number): FuzzTarget {
  const { key, salt } = keyFor(profile);
  const tx = new SrtpContext(profile, key, salt, { maxSsrcs: 1 << 20 });
  const scratch = Buffer.alloc(4096);
  return {
    name: `srtp.protectRtp/Rtcp arbitrary bytes ${srtpProfileInfo(profile).name}`,
    seeds: () => rtpSeeds(profile),
    run(input: Buffer) {
      const n = input.length;
      input.copy(scratch, 0, 0, n);
      const a = tx.protectRtp(scratch.subarray(0, n + (n & 1 ? 0 : 20)), n);
      input.copy(scratch, 0, 0, n);
      const b = tx.protectRtcp(scratch.subarray(0, n + 20), n);
      if (!Number.isInteger(a) || !Number.isInteger(b)) throw new Error('non-integer status');
    },
  };
}

export const targets: FuzzTarget[] = [
  ...SUPPORTED_SRTP_PROFILES.flatMap((p) => [unprotectTarget(p, 'rtp'), unprotectTarget(p, 'rtcp')]),
  protectTarget(0x0001),
  protectTarget(0x0007),
];
