// AES-CTR keystream in WebAssembly: the same T-table rounds as aes.ts, but table loads
// in wasm carry no bounds checks, so a block costs about 55-60 ns here against 80-90 ns
// in JS (a 100-byte SRTP packet gets ~10% faster end to end). The module (~400 bytes)
// is emitted below instruction by instruction (no toolchain, nothing downloaded) and
// compiled synchronously at load.
// If WebAssembly is unavailable, `wasmAes` is null and callers use aes.ts.
//
// Memory (one 64 KiB page, grown when keys need room):
//   0..4095     TE0..TE3 (4 x 256 x i32)      4096..8191  final-round S-box tables S3,S2,S1,S0
//   8192..10239 keystream output (up to 128 blocks)
//   10240..     round-key slots, 240 bytes each (AES-256 has 60 words)
import { SBOX, S1, S2, S3, TE0, TE1, TE2, TE3 } from './aes-tables.js';

// The project's lib settings (ES2022, no DOM) carry no WebAssembly types: the little we use.
interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

const OUT = 8192;
export const WASM_MAX_BLOCKS = 128;
const KEYS = 10240;
const SLOT = 240;

// --- a minimal wasm binary emitter -----------------------------------------------------
function uleb(n: number): number[] {
  const out: number[] = [];
  do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n);
  return out;
}
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const str = (s: string) => [...uleb(s.length), ...Buffer.from(s, 'latin1')];

// Opcodes
const GET = 0x20, SET = 0x21, CONST = 0x41, LOAD = 0x28, STORE = 0x36;
const XOR = 0x73, AND = 0x71, OR = 0x72, SHL = 0x74, SHR = 0x76, ADD = 0x6a, LT = 0x49, EQZ = 0x45;
const BLOCK = 0x02, LOOP = 0x03, BR = 0x0c, BRIF = 0x0d, END = 0x0b, VOID = 0x40;

// Params: 0 rk, 1 rounds, 2 c0, 3 c1, 4 c2, 5 c3, 6 nBlocks. Locals: 7..10 s, 11..14 t, 15 r, 16 last, 17 out.
const RK = 0, NR = 1, C0 = 2, C3 = 5, NB = 6, S = 7, T = 11, R = 15, LAST = 16, O = 17;

/** The table index of byte `which` (0 = top) of local x, times 4: ((x >>> shift) & 0x3fc). */
function idx(x: number, which: number): number[] {
  if (which === 3) return [GET, x, CONST, 2, SHL, CONST, ...sleb(0x3fc), AND];
  return [GET, x, CONST, 22 - 8 * which, SHR, CONST, ...sleb(0x3fc), AND];
}
const load = (offset: number) => [LOAD, 2, ...uleb(offset)];

/** One output word: table[a.byte0] ^ table[b.byte1] ^ table[c.byte2] ^ table[d.byte3], combined by `op`. */
function mix(src: number, i: number, base: number, op: number): number[] {
  const a = src + i, b = src + ((i + 1) & 3), c = src + ((i + 2) & 3), d = src + ((i + 3) & 3);
  return [
    ...idx(a, 0), ...load(base), ...idx(b, 1), ...load(base + 1024), op,
    ...idx(c, 2), ...load(base + 2048), op, ...idx(d, 3), ...load(base + 3072), op,
  ];
}

function ctrBody(): number[] {
  const code: number[] = [];
  // last = rk + rounds * 16; out = OUT
  code.push(GET, RK, GET, NR, CONST, 4, SHL, ADD, SET, LAST, CONST, ...sleb(OUT), SET, O);
  code.push(BLOCK, VOID, LOOP, VOID);
  code.push(GET, NB, EQZ, BRIF, 1);
  for (let i = 0; i < 4; i++) code.push(GET, C0 + i, GET, RK, ...load(4 * i), XOR, SET, S + i);
  code.push(GET, RK, CONST, 16, ADD, SET, R);
  code.push(LOOP, VOID);
  for (let i = 0; i < 4; i++) code.push(...mix(S, i, 0, XOR), GET, R, ...load(4 * i), XOR, SET, T + i);
  for (let i = 0; i < 4; i++) code.push(GET, T + i, SET, S + i);
  code.push(GET, R, CONST, 16, ADD, SET, R, GET, R, GET, LAST, LT, BRIF, 0, END);
  for (let i = 0; i < 4; i++) {
    code.push(GET, O, ...mix(S, i, 4096, OR), GET, R, ...load(4 * i), XOR, STORE, 2, ...uleb(4 * i));
  }
  code.push(GET, O, CONST, 16, ADD, SET, O);
  code.push(GET, C3, CONST, 1, ADD, SET, C3);
  code.push(GET, NB, CONST, ...sleb(-1), ADD, SET, NB);
  code.push(BR, 0, END, END, END);
  return [...vec([[11, 0x7f]]), ...code]; // 11 i32 locals
}

function buildModule(): Uint8Array {
  const i32 = 0x7f;
  const type = [0x60, ...vec([[i32], [i32], [i32], [i32], [i32], [i32], [i32]]), 0];
  const body = ctrBody();
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([type])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, 1]])),
    ...section(7, vec([[...str('ctr'), 0x00, 0], [...str('mem'), 0x02, 0]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

export interface WasmAes {
  /** Copies expanded round keys into wasm memory; returns the slot address. */
  storeKey(rk: Int32Array): number;
  /** Frees a slot from storeKey. */
  freeKey(ptr: number): void;
  /** Generates n keystream blocks from counter (c0..c3); read them with keystream(). */
  ctr(ptr: number, rounds: number, c0: number, c1: number, c2: number, c3: number, n: number): void;
  /** The keystream words of the last ctr() call (big-endian word values). Re-read after storeKey. */
  keystream(): Int32Array;
}

function create(): WasmAes {
  const inst = new WA!.Instance(new WA!.Module(buildModule()));
  const mem = inst.exports.mem as WasmMemory;
  const ctr = inst.exports.ctr as (a: number, b: number, c: number, d: number, e: number, f: number, g: number) => void;
  let words = new Int32Array(mem.buffer);
  words.set(TE0, 0); words.set(TE1, 256); words.set(TE2, 512); words.set(TE3, 768);
  words.set(S3, 1024); words.set(S2, 1280); words.set(S1, 1536);
  for (let i = 0; i < 256; i++) words[1792 + i] = SBOX[i];
  let ks = new Int32Array(mem.buffer, OUT, WASM_MAX_BLOCKS * 4);
  const free: number[] = [];
  let next = KEYS;
  return {
    storeKey(rk) {
      let ptr = free.pop();
      if (ptr === undefined) {
        ptr = next;
        next += SLOT;
        if (next > mem.buffer.byteLength) {
          mem.grow(1);
          words = new Int32Array(mem.buffer);
          ks = new Int32Array(mem.buffer, OUT, WASM_MAX_BLOCKS * 4);
        }
      }
      words.set(rk, ptr >>> 2);
      return ptr;
    },
    freeKey(ptr) { free.push(ptr); },
    ctr,
    keystream: () => ks,
  };
}

function tryCreate(): WasmAes | null {
  try {
    if (!WA || process.env.SWITCHBOARD_SRTP_NO_WASM) return null;
    return create();
  } catch {
    return null;
  }
}

/** The shared wasm AES engine of this thread, or null when WebAssembly is unavailable. */
export const wasmAes: WasmAes | null = tryCreate();
