// Dev-mode helpers, as `livekit-server --dev`: the well-known pair devkey / secret (so the
// defaults of LiveKit's docs, CLI and SDK examples just work) and GET /token, which hands
// any caller a join token. Only ever mounted when options.dev is true; the well-known
// secret is why dev mode must never face a network (we bind 127.0.0.1 by default).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createToken } from './token.js';

export interface DevKeyPair {
  apiKey: string;
  apiSecret: string;
}

/** livekit-server --dev's key pair: key "devkey", secret "secret". */
export const DEV_KEY_PAIR: Readonly<DevKeyPair> = Object.freeze({ apiKey: 'devkey', apiSecret: 'secret' });

/** A fresh key pair (load tests that start their own server): "API" + 12 random base62-ish chars, and a 43-char base64url secret. */
export function generateDevKeyPair(): DevKeyPair {
  const key = randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
  return { apiKey: `API${key}`, apiSecret: randomBytes(32).toString('base64url') };
}

const NAME_RE = /^[\w.@:-]{1,128}$/;

/**
 * GET /token?room=R&identity=I[&name=N] -> 200 {"token", "room", "identity"}: a token
 * that may join R and publish/subscribe. 400 names a bad or missing parameter.
 */
export async function handleDevTokenRequest(url: URL, res: ServerResponse, key: DevKeyPair, nowSec?: number): Promise<void> {
  const room = url.searchParams.get('room') ?? '';
  const identity = url.searchParams.get('identity') ?? '';
  const name = url.searchParams.get('name') ?? identity;
  for (const [k, v] of [['room', room], ['identity', identity]] as const) {
    if (!NAME_RE.test(v)) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(`${k} must be 1-128 characters of [A-Za-z0-9_.@:-]`);
      return;
    }
  }
  const token = await createToken(key.apiKey, key.apiSecret, {
    identity, name: name.slice(0, 128), nowSec,
    video: { room, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true },
  });
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ token, room, identity }));
}

/** For `IncomingMessage`-typed static handlers: a stable alias so callers need not import node:http. */
export type StaticHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
