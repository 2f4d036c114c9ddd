// STUN micro-benchmarks on a real Chromium ICE check (100 bytes, captured in
// fixtures/stun/chromium), each against werift (the independent TS implementation) or
// node:crypto measured in the same run.
import { createHmac } from 'node:crypto';
import { Message, parseMessage, classes, methods } from 'werift';
import type { MicroCase } from './case.js';
import {
  ATTR_XOR_MAPPED_ADDRESS, BINDING_SUCCESS, HmacSha1, IceLiteAgent, StunBuilder, StunMessageView,
} from '../../src/stun/index.js';
import { capturedChromiumCheck } from '../../test/stun/captured.js';

const check = capturedChromiumCheck();
const req = check.bytes;
const pwd = Buffer.from(check.localPwd);
const key = new HmacSha1(pwd);
const view = new StunMessageView();
const lite = new IceLiteAgent({ localUfrag: check.localUfrag, localPwd: check.localPwd, remoteUfrag: check.remoteUfrag });
const out = Buffer.alloc(1500);
const builder = new StunBuilder();
const addr = Uint8Array.of(127, 0, 0, 1);
const mac = Buffer.alloc(20);
let sink = 0;

export const cases: MicroCase[] = [
  {
    name: `stun parse + MESSAGE-INTEGRITY + FINGERPRINT (${req.length} B Chromium check)`,
    fn: () => {
      view.reset(req, 0, req.length);
      if (view.verifyIntegrity(key) && view.verifyFingerprint()) sink++;
    },
    baseline: { name: 'werift parseMessage(buf, key)', fn: () => { if (parseMessage(req, pwd)) sink++; } },
  },
  {
    name: 'stun ice-lite handleRequest (verify + success response)',
    fn: () => { lite.handleRequest(req, req.length, '127.0.0.1', 50000, 4, 0, out); sink += lite.responseLength; },
    baseline: {
      name: 'werift parseMessage + Message response .bytes',
      fn: () => {
        const m = parseMessage(req, pwd)!;
        const r = new Message(methods.BINDING, classes.RESPONSE, m.transactionId);
        r.setAttribute('XOR-MAPPED-ADDRESS', ['127.0.0.1', 50000]).addMessageIntegrity(pwd).addFingerprint();
        sink += r.bytes.length;
      },
    },
  },
  {
    name: 'stun build success response (XOR-MAPPED-ADDRESS + MI + FP)',
    fn: () => {
      sink += builder.begin(out, 0, BINDING_SUCCESS, req, 8).xorAddress(ATTR_XOR_MAPPED_ADDRESS, 4, addr, 0, 50000)
        .integrity(key).fingerprint().end();
    },
    baseline: {
      name: 'werift Message response .bytes',
      fn: () => {
        const r = new Message(methods.BINDING, classes.RESPONSE, req.subarray(8, 20));
        r.setAttribute('XOR-MAPPED-ADDRESS', ['127.0.0.1', 50000]).addMessageIntegrity(pwd).addFingerprint();
        sink += r.bytes.length;
      },
    },
  },
  {
    name: `stun HMAC-SHA1 over ${req.length - 32} B (precomputed key state, JS)`,
    fn: () => { key.sign(req, 0, req.length - 32, mac, 0); sink += mac[0]; },
    baseline: { name: 'node:crypto createHmac per message', fn: () => { sink += createHmac('sha1', pwd).update(req.subarray(0, req.length - 32)).digest()[0]; } },
  },
];
export const _sink = () => sink;
