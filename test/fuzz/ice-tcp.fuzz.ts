// Fuzz target for the RFC 4571 framer (src/net/rfc4571-framer.ts): each input is a TCP
// byte stream fed in chunks split where the input's first byte says. It must never
// throw, never hand out a frame longer than the limit or than the bytes fed, and must
// give the same frames whatever the split.
import type { FuzzTarget } from './harness.js';
import { Rfc4571Framer, writeFrameHeader } from '../../src/net/index.js';
import { chromiumLikeRequest } from '../stun/chromium-like.js';

const framed = (...ps: Buffer[]): Buffer => Buffer.concat(ps.flatMap((p) => { const h = Buffer.alloc(2); writeFrameHeader(h, 0, p.length); return [h, p]; }));

function seeds(): Buffer[] {
  const rtp = Buffer.alloc(172, 0x11); rtp[0] = 0x80; rtp[1] = 111;
  const dtls = Buffer.alloc(120, 0x22); dtls[0] = 22;
  return [
    Buffer.concat([Buffer.from([7]), framed(chromiumLikeRequest(), dtls, rtp)]),
    Buffer.concat([Buffer.from([1]), framed(Buffer.alloc(0), rtp), Buffer.from([0x05])]),
    Buffer.concat([Buffer.from([3]), Buffer.from([0x20, 0x01]), rtp]),
  ];
}

const MAX = 1500;
let total = 0, lenSum = 0, sig = 0;
const whole = new Rfc4571Framer((_b, len) => { total++; lenSum += len; }, MAX);
const split = new Rfc4571Framer((b, len) => {
  if (len > MAX || len < 1) throw new Error(`frame of ${len} bytes handed out`);
  sig = (sig * 31 + len + b[0] + b[len - 1]) | 0;
}, MAX);
let sigWhole = 0;
const whole2 = new Rfc4571Framer((b, len) => { sigWhole = (sigWhole * 31 + len + b[0] + b[len - 1]) | 0; }, MAX);

const framer: FuzzTarget = {
  name: 'net rfc4571 framer (split invariance)',
  seeds,
  run(input) {
    if (input.length === 0) return;
    const step = 1 + (input[0] % 64);
    const body = input.subarray(1);
    for (const f of [whole, split, whole2]) { f.reset(); f.broken = false; }
    total = 0; lenSum = 0; sig = 0; sigWhole = 0;
    const empty0 = whole.emptyFrames;
    const okWhole = whole.push(body);
    whole2.push(body);
    let okSplit = true;
    for (let p = 0; p < body.length && okSplit; p += step) okSplit = split.push(body, p, Math.min(body.length, p + step));
    if (okWhole !== okSplit) throw new Error('split changed the verdict');
    if (sig !== sigWhole) throw new Error('split changed the frames');
    if (lenSum + 2 * (total + whole.emptyFrames - empty0) > body.length) throw new Error('frames exceed the input');
    if (whole.pendingBytes > MAX + 2) throw new Error('holds more than one frame');
  },
};

export const targets: FuzzTarget[] = [framer];
