// Loads fixtures/stun/*.hex: '#' lines are comments, the rest is hex with spaces.
import { readFileSync } from 'node:fs';

export function loadHex(name: string): Buffer {
  const text = readFileSync(new URL(`../../fixtures/stun/${name}`, import.meta.url), 'utf8');
  const hex = text.split('\n').filter((l) => !l.startsWith('#')).join('').replace(/\s+/g, '');
  return Buffer.from(hex, 'hex');
}

export const RFC5769_PASSWORD = 'VOkJxbRl1RmTxUk/WvJxBt';
export const RFC5769_TXID = Buffer.from('b7e7a701bc34d686fa87dfae', 'hex');
