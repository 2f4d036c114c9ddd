// Access tokens: LiveKit's claim layout, HS256. The hand-made vectors are signed with
// node:crypto HMAC directly (not jose), so both directions are checked independently.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHmac } from 'node:crypto';
import { createToken, verifyToken, type KeyProvider } from '../../src/signal/token.js';
import { TokenError, type TokenErrorCode } from '../../src/signal/errors.js';
import { TrackSource } from '../../src/signal/messages.js';

const KEY = 'APIMmxiL8rquKztZEoZJV9Fb';
const SECRET = 'a-very-secret-secret-of-32-chars-or-more!!';
const keys: KeyProvider = (k) => (k === KEY ? SECRET : undefined);
const NOW = 1_700_000_000;

const b64u = (s: string | Buffer) => Buffer.from(s).toString('base64url');
function handJwt(payload: unknown, secret = SECRET, header: unknown = { alg: 'HS256', typ: 'JWT' }): string {
  const body = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
/** LiveKit's documented join-token body (docs.livekit.io, "Token structure"). */
const livekitBody = (over: Record<string, unknown> = {}) => ({
  exp: NOW + 3600, iss: KEY, sub: 'myidentity', nbf: NOW - 10, name: 'My Name', metadata: '{"a":1}',
  video: { room: 'myroom', roomJoin: true, canPublish: true, canSubscribe: false, canPublishSources: ['microphone', 'camera'] },
  ...over,
});

async function rejects(token: string | undefined, code: TokenErrorCode, opts = {}): Promise<TokenError> {
  try {
    await verifyToken(token, keys, { nowSec: NOW, ...opts });
  } catch (e) {
    assert.instance(e, TokenError);
    assert.is((e as TokenError).code, code, (e as Error).message);
    assert.ok((e as Error).message.length > 8);
    return e as TokenError;
  }
  throw new Error(`expected ${code}, token was accepted`);
}

test('a hand-signed token in LiveKit layout verifies, with grants mapped', async () => {
  const v = await verifyToken(handJwt(livekitBody()), keys, { nowSec: NOW, room: 'myroom' });
  assert.equal({ apiKey: v.apiKey, identity: v.identity, name: v.name, metadata: v.metadata, exp: v.exp, nbf: v.nbf },
    { apiKey: KEY, identity: 'myidentity', name: 'My Name', metadata: '{"a":1}', exp: NOW + 3600, nbf: NOW - 10 });
  assert.equal(v.permission, {
    canPublish: true, canSubscribe: false, canPublishData: true, hidden: false, recorder: false, canUpdateMetadata: false,
    canPublishSources: [TrackSource.MICROPHONE, TrackSource.CAMERA],
  });
});

test('LiveKit defaults: canPublish/canSubscribe/canPublishData true when absent', async () => {
  const v = await verifyToken(handJwt(livekitBody({ video: { room: 'r', roomJoin: true } })), keys, { nowSec: NOW });
  assert.is(v.permission.canPublish, true);
  assert.is(v.permission.canSubscribe, true);
  assert.is(v.permission.canPublishData, true);
  assert.equal(v.permission.canPublishSources, []);
});

test('createToken writes exactly LiveKit claim names, HS256, verifiable by plain HMAC', async () => {
  const t = await createToken(KEY, SECRET, { identity: 'alice', name: 'Alice', metadata: 'm', nowSec: NOW, ttlSec: 600, video: { room: 'r1', roomJoin: true, canPublish: false } });
  const [h, p, sig] = t.split('.');
  assert.is(createHmac('sha256', SECRET).update(`${h}.${p}`).digest('base64url'), sig);
  assert.equal(JSON.parse(Buffer.from(h, 'base64url').toString()), { alg: 'HS256', typ: 'JWT' });
  const body = JSON.parse(Buffer.from(p, 'base64url').toString());
  assert.equal(body, { video: { room: 'r1', roomJoin: true, canPublish: false }, name: 'Alice', metadata: 'm', iss: KEY, sub: 'alice', jti: 'alice', nbf: NOW, exp: NOW + 600 });
  const v = await verifyToken(t, keys, { nowSec: NOW + 1 });
  assert.is(v.identity, 'alice');
  assert.is(v.permission.canPublish, false);
});

test('missing token', async () => {
  await rejects(undefined, 'missing');
  await rejects('', 'missing');
});

test('malformed tokens', async () => {
  await rejects('not-a-jwt', 'malformed');
  await rejects('a.b.c', 'malformed');
  await rejects(handJwt(livekitBody(), SECRET, { alg: 'none', typ: 'JWT' }), 'malformed');
  await rejects(handJwt(livekitBody({ iss: undefined })), 'malformed');
});

test('unknown API key', async () => {
  const e = await rejects(handJwt(livekitBody({ iss: 'APIother' })), 'unknown-key');
  assert.match(e.message, /APIother/);
});

test('forged signature (signed with another secret, or payload edited)', async () => {
  await rejects(handJwt(livekitBody(), 'attacker-secret-attacker-secret-attacker'), 'bad-signature');
  const good = handJwt(livekitBody());
  const [h, , s] = good.split('.');
  const edited = `${h}.${b64u(JSON.stringify(livekitBody({ video: { room: 'myroom', roomJoin: true, roomAdmin: true } })))}.${s}`;
  await rejects(edited, 'bad-signature');
});

test('expired and not yet valid', async () => {
  await rejects(handJwt(livekitBody({ exp: NOW - 1 })), 'expired');
  await rejects(handJwt(livekitBody({ nbf: NOW + 60 })), 'not-yet-valid');
  // leeway makes a just-expired token acceptable
  await verifyToken(handJwt(livekitBody({ exp: NOW - 1 })), keys, { nowSec: NOW, clockToleranceSec: 5 });
  await rejects(handJwt(livekitBody({ exp: undefined })), 'bad-claims');
});

test('no roomJoin grant, no room, no video claim', async () => {
  await rejects(handJwt(livekitBody({ video: { room: 'myroom', roomJoin: false } })), 'no-join-grant');
  await rejects(handJwt(livekitBody({ video: { room: 'myroom', roomAdmin: true } })), 'no-join-grant');
  await rejects(handJwt(livekitBody({ video: { roomJoin: true } })), 'no-join-grant');
  await rejects(handJwt(livekitBody({ video: undefined })), 'no-join-grant');
});

test('wrong room: the room asked for is not the room granted', async () => {
  const e = await rejects(handJwt(livekitBody()), 'wrong-room', { room: 'other' });
  assert.match(e.message, /myroom/);
  assert.match(e.message, /other/);
});

test('no identity and badly typed claims', async () => {
  await rejects(handJwt(livekitBody({ sub: undefined })), 'no-identity');
  await rejects(handJwt(livekitBody({ video: 'everything' })), 'bad-claims');
  await rejects(handJwt(livekitBody({ video: { room: 'myroom', roomJoin: 'yes' } })), 'bad-claims');
  await rejects(handJwt(livekitBody({ video: { room: 'myroom', roomJoin: true, canPublishSources: ['hologram'] } })), 'bad-claims');
  await rejects(handJwt(livekitBody({ name: 42 })), 'bad-claims');
});

test.run();
