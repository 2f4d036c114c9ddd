// Wire cross-check: bytes from our protobufjs definitions decode in LiveKit's own
// generated classes (@livekit/protocol, @bufbuild/protobuf) to the same values, and
// LiveKit's bytes decode in ours. Samples set EVERY field we declare (built from the
// schema), one sample per oneof case of SignalRequest and SignalResponse.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import protobuf from 'protobufjs';
import { SignalRequest as LkRequest, SignalResponse as LkResponse } from '@livekit/protocol';
import { signalProtoRoot, decodeSignalRequest, encodeSignalRequest, encodeSignalResponse, decodeSignalResponse } from '../../src/signal/proto.js';
import type { SignalRequest, SignalResponse } from '../../src/signal/messages.js';

const root = signalProtoRoot();

/** A value for every field of `t` (nonzero so that proto3 writes it). */
function sample(t: protobuf.Type, seed: number, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of t.fieldsArray) {
    if (f.partOf && f.partOf.oneof[0] !== f.name) continue; // first member of nested oneofs
    const one = (k: number): unknown => value(f, seed * 31 + f.id * 7 + k, depth);
    if (f instanceof protobuf.MapField) out[f.name] = { [`k${f.id}`]: `v${seed}`, other: 'x' };
    else if (f.repeated) out[f.name] = [one(1), one(2)];
    else out[f.name] = one(0);
  }
  return out;
}
function value(f: protobuf.Field, n: number, depth: number): unknown {
  const rt = f.resolvedType;
  if (rt instanceof protobuf.Enum) { const v = Object.values(rt.values); return v[1 + (n % (v.length - 1))]; }
  if (rt instanceof protobuf.Type) return depth > 4 ? {} : sample(rt, n, depth + 1);
  switch (f.type) {
    case 'string': return `${f.name}-${n}`;
    case 'bool': return true;
    case 'float': return 0.5 + (n % 4);
    case 'int64': return 1_700_000_000_123 + n;
    case 'int32': return -(n % 1000) - 1;
    default: return (n % 100000) + 1;
  }
}

/** Recursively: every value in `ours` is in LiveKit's decoded message at the same name. */
function matches(ours: unknown, theirs: any, path: string): void {
  if (Array.isArray(ours)) {
    assert.ok(Array.isArray(theirs), `${path} is an array in LiveKit`);
    assert.is(theirs.length, ours.length, `${path} length`);
    ours.forEach((v, i) => matches(v, theirs[i], `${path}[${i}]`));
  } else if (typeof ours === 'object' && ours !== null) {
    assert.ok(theirs && typeof theirs === 'object', `${path} is an object in LiveKit`);
    for (const [k, v] of Object.entries(ours)) {
      if (k === 'message' && typeof theirs.message === 'object') { assert.is(theirs.message?.case, v, `${path} oneof case`); continue; }
      let t = theirs[k];
      if (t === undefined && theirs.message?.case === k) t = theirs.message.value;
      if (t === undefined && theirs.request?.case === k) t = theirs.request.value;
      if (t === undefined && theirs.scenario?.case === k) t = theirs.scenario.value;
      matches(v, t, `${path}.${k}`);
    }
  } else if (typeof theirs === 'bigint') assert.is(BigInt(ours as number), theirs, path);
  else assert.is(theirs, ours, path);
}

function casesOf(typeName: string): { name: string; field: protobuf.Field }[] {
  const t = root.lookupType(typeName);
  return t.oneofs.message.fieldsArray.map((field) => ({ name: field.name, field }));
}

test('every SignalRequest case: ours -> LiveKit -> ours', () => {
  const cases = casesOf('livekit.SignalRequest');
  assert.ok(cases.length >= 12);
  for (const { name, field } of cases) {
    const req = { [name]: value(field, field.id, 0) } as SignalRequest;
    const lkMsg = LkRequest.fromBinary(encodeSignalRequest(req));
    assert.is(lkMsg.message.case, name);
    matches(req, lkMsg, `SignalRequest.${name}`);
    const back = decodeSignalRequest(lkMsg.toBinary());
    assert.ok(back.ok);
    if (back.ok) assert.equal(back.value, { ...req, message: name }, `round trip ${name}`);
  }
});

test('every SignalResponse case: ours -> LiveKit -> ours', () => {
  const cases = casesOf('livekit.SignalResponse');
  assert.ok(cases.length >= 19);
  for (const { name, field } of cases) {
    const res = { [name]: value(field, field.id, 0) } as SignalResponse;
    const lkMsg = LkResponse.fromBinary(encodeSignalResponse(res));
    assert.is(lkMsg.message.case, name);
    matches(res, lkMsg, `SignalResponse.${name}`);
    const back = decodeSignalResponse(lkMsg.toBinary());
    assert.ok(back.ok);
    if (back.ok) assert.equal(back.value, { ...res, message: name }, `round trip ${name}`);
  }
});

test('LiveKit-built requests decode in ours with the values LiveKit put in', () => {
  const candidateInit = '{"candidate":"candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host","sdpMid":"0","sdpMLineIndex":0}';
  const trickle = new LkRequest({ message: { case: 'trickle', value: { candidateInit, target: 1, final: false } } });
  const d = decodeSignalRequest(trickle.toBinary());
  assert.equal(d, { ok: true, value: { message: 'trickle', trickle: { candidateInit, target: 1 } } });
  const ping = decodeSignalRequest(new LkRequest({ message: { case: 'pingReq', value: { timestamp: 1700000000999n, rtt: 42n } } }).toBinary());
  assert.equal(ping, { ok: true, value: { message: 'pingReq', pingReq: { timestamp: 1700000000999, rtt: 42 } } });
  const add = decodeSignalRequest(new LkRequest({ message: { case: 'addTrack', value: { cid: 'c1', name: 'mic', type: 0, source: 2, disableDtx: true } } }).toBinary());
  assert.equal(add, { ok: true, value: { message: 'addTrack', addTrack: { cid: 'c1', name: 'mic', source: 2, disableDtx: true } } });
});

test('a request case we do not declare decodes as "no message" (answered UNSUPPORTED_TYPE)', () => {
  const blob = new LkRequest({ message: { case: 'getDataBlobRequest', value: {} } });
  const d = decodeSignalRequest(blob.toBinary());
  assert.ok(d.ok);
  if (d.ok) assert.is(d.value.message, undefined);
});

test('malformed bytes are reported, not thrown', () => {
  for (const hex of ['0aff', '0a0512', 'ffffffffffffffffffff01', '1a']) {
    const d = decodeSignalRequest(Buffer.from(hex, 'hex'));
    assert.is(d.ok, false, hex);
    if (!d.ok) assert.match(d.reason, /malformed SignalRequest/);
  }
});

test.run();
