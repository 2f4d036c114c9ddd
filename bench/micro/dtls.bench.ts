// DTLS application-data record protection, 100-byte payload, AES-128-GCM (0xC02B).
// Our RecordCipher already does what the "naive" approach does (one createDecipheriv per
// record: node:crypto GCM objects cannot be re-keyed with a new nonce), so these are
// absolute numbers; the baseline row is a bare createDecipheriv+final on the same bytes
// to show the wrapper's own cost.
import { createDecipheriv } from 'node:crypto';
import type { MicroCase } from './case.js';
import { CipherSuite } from '../../src/dtls/constants.js';
import { RecordCipher } from '../../src/dtls/record-cipher.js';
import { suiteInfo } from '../../src/dtls/suites.js';

const suite = suiteInfo(CipherSuite.ECDHE_ECDSA_AES_128_GCM_SHA256)!;
const key = Buffer.alloc(16, 7);
const salt = Buffer.alloc(4, 9);
const cipher = new RecordCipher(suite, key, salt);
const plain = Buffer.alloc(100, 0x61);
const out = Buffer.alloc(200);
const n = cipher.seal(1, 42, 23, 0xfefd, plain, out, 0);
const payload = Buffer.from(out.subarray(0, n));
const nonce = Buffer.concat([salt, payload.subarray(0, 8)]);
const aad = Buffer.from('0001' + '00000000002a' + '17' + 'fefd' + '0064', 'hex');

export const cases: MicroCase[] = [
  {
    name: 'dtls app-data record decrypt AES-128-GCM 100 B',
    fn: () => { if (!cipher.open(1, 42, 23, 0xfefd, payload)) throw new Error('decrypt failed'); },
    baseline: {
      name: 'bare createDecipheriv+setAAD+final per record',
      fn: () => {
        const d = createDecipheriv('aes-128-gcm', key, nonce);
        d.setAAD(aad);
        d.setAuthTag(payload.subarray(n - 16));
        d.update(payload.subarray(8, n - 16));
        d.final();
      },
    },
  },
  {
    name: 'dtls app-data record encrypt AES-128-GCM 100 B',
    fn: () => { cipher.seal(1, 43, 23, 0xfefd, plain, out, 0); },
  },
];
