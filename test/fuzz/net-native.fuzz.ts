// Fuzz target for the udp_send addon's sendBatch (src/net/native/udp_send.c) through its
// JS API: each input decodes to a call with random fds, array types, sizes, offsets,
// lengths, first/count and per-slot address families. A model of the argument checks
// predicts whether the call must throw (TypeError/RangeError naming udp_send) and, when
// not, what it returns: with the real socket, the number of leading IPv4 slots (or
// -EAFNOSUPPORT). Anything else, or a crash, is a failure. Packets only ever go to a
// loopback sink. No targets when the addon is not built.
import { createSocket } from 'node:dgram';
import { openSync } from 'node:fs';
import { constants } from 'node:os';
import type { FuzzTarget } from './harness.js';
import { NativeSendTarget, loadUdpSendAddon, type UdpSendAddon } from '../../src/net/index.js';

const addon = loadUdpSendAddon();
const { EAFNOSUPPORT, EBADF, ENOTSOCK } = constants.errno;

async function makeTarget(a: UdpSendAddon): Promise<FuzzTarget> {
  const bind = async (type: 'udp4' | 'udp6', host: string) => {
    const s = createSocket(type);
    await new Promise<void>((r) => s.bind(0, host, () => r()));
    s.unref(); // the fuzz run must be able to exit
    return s;
  };
  const sender = await bind('udp4', '127.0.0.1');
  const sink = await bind('udp4', '127.0.0.1');
  const native = new NativeSendTarget(sender, a);
  if (!native.ready()) throw new Error('fuzz net-native: bound socket has no fd');
  const v4 = Buffer.alloc(28);
  a.packAddress(v4, 0, '127.0.0.1', false);
  v4.writeUInt16BE(sink.address().port, 2);
  const v6 = Buffer.alloc(28);
  a.packAddress(v6, 0, '::1', true);
  v6.writeUInt16BE(sink.address().port, 2);
  const devNull = openSync('/dev/null', 'r');
  const BIG_FD = 1 << 30; // above any RLIMIT_NOFILE: never an open fd

  let p = 0;
  let input: Buffer = Buffer.alloc(0);
  const u8 = () => (p < input.length ? input[p++] : 0);
  const i32 = () => { const v = p + 4 <= input.length ? input.readInt32LE(p) : 0; p += 4; return v; };
  /** Small values mostly, sometimes extreme: the kind of index bugs live near. */
  const index = () => {
    const k = u8();
    if (k < 200) return k % 48;
    if (k < 240) return -(k % 4) - 1;
    return [2 ** 31 - 1, 2 ** 31, 2 ** 32 + 1, -(2 ** 31), 1e300, NaN, 0.5, Infinity][k % 8];
  };

  return {
    name: 'net native sendBatch arguments',
    seeds() {
      const ok = (slots: number, slabLen8: number) => {
        const b = [0, 0, slabLen8, 0, 0, slots, 0, slots, 0];
        for (let k = 0; k < slots; k++) b.push(0, 0, 0, 0, 0, 0, 0, 0); // offsets, lens read as i32 below
        b.push(0, slots);
        for (let k = 0; k < slots; k++) b.push(0);
        return Buffer.from(b);
      };
      const s = ok(4, 16);
      for (let k = 0; k < 4; k++) { s.writeInt32LE(k * 20, 9 + k * 8); s.writeInt32LE(10 + k, 13 + k * 8); }
      return [s, ok(1, 1), ok(40, 255), Buffer.from([6, 0, 4, 0, 0, 2, 0, 2, 0])];
    },
    run(buf) {
      input = buf;
      p = 0;
      const fdKind = u8() % 8;
      const fd: unknown = [native.fd, -1, BIG_FD, 1.5, '3', NaN, devNull, undefined][fdKind];
      const slabKind = u8() % 6;
      const slabLen = u8() * 8;
      const backing = Buffer.alloc(slabLen + 8);
      const slab: unknown = slabKind === 0 ? backing.subarray(0, slabLen)
        : slabKind === 1 ? backing.subarray(8, 8 + slabLen) // byteOffset != 0
          : slabKind === 2 ? new Uint16Array(slabLen >> 1)
            : slabKind === 3 ? 'slab'
              : slabKind === 4 ? Buffer.alloc(0)
                : new Uint8Array(slabLen); // a plain Uint8Array, not a Buffer
      const arrKind = u8() % 5;
      const lensKind = u8() % 5;
      const nOff = u8() % 72;
      const addrKind = u8() % 3;
      const nAddr = u8() % 72;
      const addrExtra = u8() % 28;
      const offsets = new Int32Array(nOff);
      const lens = new Int32Array(nOff);
      for (let k = 0; k < nOff; k++) { offsets[k] = i32() % 4096; lens[k] = i32() % 4096; }
      const wrap = (kind: number, v: Int32Array): unknown =>
        kind <= 1 ? v : kind === 2 ? Float64Array.from(v) : kind === 3 ? Array.from(v) : new Uint32Array(v.buffer);
      const first = index();
      const count = index();
      const addrs = Buffer.alloc(nAddr * 28 + addrExtra);
      const fam: number[] = [];
      for (let k = 0; k < nAddr; k++) {
        const f = u8() % 8; // mostly IPv4 to the sink; some unset (family 0) and IPv6
        fam.push(f < 6 ? 4 : f === 6 ? 0 : 6);
        if (f < 6) v4.copy(addrs, k * 28);
        else if (f === 7) v6.copy(addrs, k * 28);
      }
      const addrsArg: unknown = addrKind === 2 ? new Int32Array(4) : addrs;

      // The model: must it throw, and if not, what comes back?
      const isIndex = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 31;
      const slabOk = slabKind !== 2 && slabKind !== 3;
      const realSlabLen = slabKind === 0 || slabKind === 1 || slabKind === 5 ? slabLen : 0;
      let mustThrow = typeof fd !== 'number' || !isIndex(fd) || !slabOk || arrKind >= 2 || lensKind >= 2 || addrKind === 2 || !isIndex(first) || !isIndex(count);
      if (!mustThrow) {
        const end = (first as number) + (count as number);
        if (end > nOff || end * 28 > addrs.length) mustThrow = true;
        else for (let k = first as number; k < end; k++) if (offsets[k] < 0 || lens[k] < 0 || offsets[k] + lens[k] > realSlabLen) mustThrow = true;
      }

      let r: number;
      try {
        r = (a.sendBatch as (...x: unknown[]) => number)(fd, slab, wrap(arrKind, offsets), wrap(lensKind, lens), addrsArg, first, count);
      } catch (err) {
        if (!(err instanceof TypeError || err instanceof RangeError) || !/^udp_send: /.test(err.message)) throw err;
        if (!mustThrow) throw new Error(`threw for valid arguments: ${err.message}`);
        return;
      }
      if (mustThrow) throw new Error(`returned ${r} for invalid arguments (fd ${String(fd)}, first ${first}, count ${count})`);
      if (!Number.isInteger(r)) throw new Error(`returned a non-integer ${r}`);
      const f0 = first as number, n = count as number;
      if (n === 0) { if (r !== 0) throw new Error(`count 0 returned ${r}`); return; }
      let lead = 0;
      while (lead < n && fam[f0 + lead] === 4) lead++;
      const noneValid = fam[f0] === 0; // refused before any syscall
      const want = noneValid ? -EAFNOSUPPORT
        : fd === native.fd ? (lead > 0 ? lead : -EAFNOSUPPORT)
          : fd === devNull ? -ENOTSOCK : -EBADF;
      if (r !== want) throw new Error(`returned ${r}, model says ${want} (fd kind ${fdKind}, first ${f0}, count ${n}, lead ${lead})`);
    },
  };
}

export const targets: FuzzTarget[] = addon ? [await makeTarget(addon)] : [];
