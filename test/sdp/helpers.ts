// Shared bits for the SDP tests: fixture loading and our transport parameters.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AnswerParams } from '../../src/sdp/index.js';

export const FIXTURES = new URL('../../fixtures/sdp/', import.meta.url).pathname;

/** Every *.sdp under fixtures/sdp (samples, chromium, wrtc, ...), as [relative path, text]. */
export function allFixtures(): [string, string][] {
  const out: [string, string][] = [];
  const walk = (dir: string, rel: string): void => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p, `${rel}${name}/`);
      else if (name.endsWith('.sdp')) out.push([`${rel}${name}`, readFileSync(p, 'utf8')]);
    }
  };
  walk(FIXTURES, '');
  return out;
}

export function sample(name: string): string {
  return readFileSync(join(FIXTURES, 'samples', name), 'utf8');
}

export const FP = '5A:31:2C:8E:47:1B:92:07:DF:3C:AB:65:14:E8:70:9D:26:C1:4F:8A:B3:05:7E:D9:62:18:4C:AF:93:E0:21:7B';

export function params(extra: Partial<AnswerParams> = {}): AnswerParams {
  return {
    iceUfrag: 'sbUf', icePwd: 'switchboardPasswordXYZ012',
    fingerprints: [{ algorithm: 'sha-256', value: FP }],
    candidates: [{ address: '127.0.0.1', port: 40001 }, { address: '127.0.0.1', port: 40002 }],
    sessionId: '1234567890', ...extra,
  };
}

/** The a= lines of one m-section (index) of SDP text. */
export function sectionLines(sdp: string, index: number): string[] {
  const parts = sdp.split('\r\nm=');
  return ('m=' + parts[index + 1]!).split('\r\n').filter((l) => l !== '');
}
