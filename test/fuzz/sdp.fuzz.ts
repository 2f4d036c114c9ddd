// Fuzz target for the SDP parser: mutated fixture SDPs (samples and captured ones). The
// parser may only throw SdpError; anything it accepts must serialise and parse back to
// the same structure, and answerOffer on it may only fail with SdpError.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FuzzTarget } from './harness.js';
import { answerOffer, applyAnswer, parseSdp, serializeSdp, SdpError, type SessionDescription } from '../../src/sdp/index.js';

const ROOT = new URL('../../fixtures/sdp/', import.meta.url).pathname;

function seeds(): Buffer[] {
  const out: Buffer[] = [];
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.sdp')) out.push(readFileSync(p));
    }
  };
  walk(ROOT);
  return out;
}

const PARAMS = {
  iceUfrag: 'fuzz', icePwd: 'fuzzfuzzfuzzfuzzfuzzfuzz',
  fingerprints: [{ algorithm: 'sha-256', value: 'AA:BB:CC:DD:EE:FF:00:11' }],
  candidates: [{ address: '127.0.0.1', port: 40000 }], sessionId: '1',
};

function typedOnly(fn: () => void): void {
  try { fn(); } catch (e) { if (!(e instanceof SdpError)) throw e; }
}

// applyAnswer: a fixed SFU-shaped offer, mutated answers (Chromium's real answer when captured).
let answerOfferSd: SessionDescription | undefined;
function sfuOffer(): SessionDescription {
  const captured = join(ROOT, 'chromium', 'answer-input-sendonly-offer.sdp');
  answerOfferSd ??= parseSdp(readFileSync(existsSync(captured) ? captured : join(ROOT, 'samples', 'chrome-audio-video.sdp'), 'utf8'));
  return answerOfferSd;
}
function answerSeeds(): Buffer[] {
  const real = join(ROOT, 'chromium', 'recvonly-answer.sdp');
  return existsSync(real) ? [readFileSync(real), ...seeds()] : seeds();
}

export const targets: FuzzTarget[] = [
  {
    name: 'sdp.parse',
    seeds,
    run(input) {
      typedOnly(() => {
        const sd = parseSdp(input.toString('latin1'));
        const again = parseSdp(serializeSdp(sd));
        if (serializeSdp(again) !== serializeSdp(sd)) throw new Error('serialize(parse(serialize(x))) differs');
      });
    },
  },
  {
    name: 'sdp.answerOffer',
    seeds,
    run(input) {
      typedOnly(() => { answerOffer(input.toString('latin1'), PARAMS); });
    },
  },
  {
    name: 'sdp.applyAnswer',
    seeds: answerSeeds,
    run(input) {
      typedOnly(() => { applyAnswer(sfuOffer(), input.toString('latin1')); });
    },
  },
];
