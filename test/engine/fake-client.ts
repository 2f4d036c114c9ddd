// A stand-in for a browser's answer to our subscriber offer (text transform, for control-
// plane tests that need no media): sendonly -> recvonly, setup active, the client's own
// ICE credentials and fingerprint, no a=ssrc lines, no ice-lite.
import { readFileSync } from 'node:fs';
import { FIXTURES_DIR } from '../peers/paths.js';
import { join } from 'node:path';

export function chromiumOffer(name = 'audio-video-offer.sdp'): string {
  return readFileSync(join(FIXTURES_DIR, 'sdp', 'chromium', name), 'utf8');
}

export function fakeAnswer(offer: string): string {
  const lines = offer.split(/\r\n/).filter((l) => l !== '');
  const out: string[] = [];
  for (const l of lines) {
    if (l === 'a=ice-lite' || l.startsWith('a=ssrc') || l.startsWith('a=candidate') || l === 'a=end-of-candidates' || l.startsWith('a=msid')) continue;
    if (l === 'a=sendonly') { out.push('a=recvonly'); continue; }
    if (l.startsWith('a=setup:')) { out.push('a=setup:active'); continue; }
    if (l.startsWith('a=ice-ufrag:')) { out.push('a=ice-ufrag:CLNT'); continue; }
    if (l.startsWith('a=ice-pwd:')) { out.push('a=ice-pwd:clientpasswordclientpassword'); continue; }
    if (l.startsWith('a=fingerprint:')) { out.push('a=fingerprint:sha-256 ' + Array.from({ length: 32 }, () => 'AB').join(':')); continue; }
    out.push(l);
  }
  return out.join('\r\n') + '\r\n';
}

export function ssrcsOf(sdp: string): number[] {
  return [...new Set([...sdp.matchAll(/a=ssrc:(\d+) /g)].map((m) => Number(m[1])))];
}

/** Resolves when `p` rejects with an EngineError of `code`; throws otherwise. */
export async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  let err: unknown;
  try { await p; } catch (e) { err = e; }
  if (err === undefined) throw new Error(`expected a rejection with ${code}, it resolved`);
  const e = err as { name?: string; code?: string; message?: string };
  if (e.name !== 'EngineError' || e.code !== code) throw new Error(`expected EngineError ${code}, got ${e.name} ${e.code}: ${e.message}`);
}
