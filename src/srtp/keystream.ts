// AES-CTR keystream XOR for the packet path: wasm rounds when WebAssembly is there
// (about a third less time per block than JS), the JS rounds of aes.ts otherwise
// (or when SWITCHBOARD_SRTP_NO_WASM is set).
// Same contract as aesCtrXor: block j uses counter (c0, c1, c2, c3 + j).
import { aesCtrXor, type AesKey } from './aes.js';
import * as wasm from './wasm-aes.js';

// Local consts, not imported bindings: V8 folds these (see the note in aes.ts).
const wasmAes = wasm.wasmAes;
const WASM_MAX_BLOCKS = wasm.WASM_MAX_BLOCKS;

/** Frees a key's wasm slot when its AesKey is garbage collected. */
const slots = wasmAes ? new FinalizationRegistry<number>((ptr) => wasmAes!.freeKey(ptr)) : null;

/** Places the round keys in wasm memory (once per session key; not on the packet path). */
export function prepareKey(k: AesKey): AesKey {
  if (wasmAes && slots && k.wasmPtr < 0) {
    k.wasmPtr = wasmAes.storeKey(k.rk);
    slots.register(k, k.wasmPtr, k);
  }
  return k;
}

/** Gives a key's wasm slot back now (context closed); the key keeps working in JS. */
export function releaseKey(k: AesKey): void {
  if (wasmAes && slots && k.wasmPtr >= 0) {
    slots.unregister(k);
    wasmAes.freeKey(k.wasmPtr);
    k.wasmPtr = -1;
  }
}

export function ctrXor(k: AesKey, c0: number, c1: number, c2: number, c3: number, buf: Uint8Array, off: number, len: number): void {
  const w = wasmAes;
  const n = (len + 15) >>> 4;
  if (w === null || k.wasmPtr < 0 || n > WASM_MAX_BLOCKS) {
    aesCtrXor(k, c0, c1, c2, c3, buf, off, len);
    return;
  }
  w.ctr(k.wasmPtr, k.rounds, c0, c1, c2, c3, n);
  const ks = w.keystream();
  const end = off + len;
  let p = off;
  let q = 0;
  while (p + 16 <= end) {
    let x = ks[q];
    buf[p] ^= x >>> 24; buf[p + 1] ^= x >>> 16; buf[p + 2] ^= x >>> 8; buf[p + 3] ^= x;
    x = ks[q + 1];
    buf[p + 4] ^= x >>> 24; buf[p + 5] ^= x >>> 16; buf[p + 6] ^= x >>> 8; buf[p + 7] ^= x;
    x = ks[q + 2];
    buf[p + 8] ^= x >>> 24; buf[p + 9] ^= x >>> 16; buf[p + 10] ^= x >>> 8; buf[p + 11] ^= x;
    x = ks[q + 3];
    buf[p + 12] ^= x >>> 24; buf[p + 13] ^= x >>> 16; buf[p + 14] ^= x >>> 8; buf[p + 15] ^= x;
    p += 16;
    q += 4;
  }
  for (let i = 0; p < end; i++, p++) buf[p] ^= ks[q + (i >>> 2)] >>> (24 - ((i & 3) << 3));
}
