// One webhook delivery as livekit-server makes it: the WebhookEvent in protobuf's JSON
// mapping (lowerCamel names, 64-bit ints as strings, defaults left out), POSTed with
// Content-Type application/webhook+json and `Authorization: <JWT>` - an HS256 token of
// one of our API keys (iss) whose `sha256` claim is the base64 SHA-256 of the body, so
// livekit-server-sdk's WebhookReceiver can check both who sent it and that it is intact.
import { createHash, randomBytes } from 'node:crypto';
import protobuf from 'protobufjs';
import { SignJWT } from 'jose';
import { PROTO_DIR } from '../../signal/index.js';
import type { ParticipantInfo, Room, TrackInfo } from '../../signal/messages.js';

export type WebhookEventName = 'room_started' | 'room_finished' | 'participant_joined' | 'participant_left' | 'track_published' | 'track_unpublished';

export interface WebhookEventInit {
  event: WebhookEventName;
  room?: Room;
  participant?: ParticipantInfo;
  track?: TrackInfo;
}

export interface WebhookEvent extends WebhookEventInit {
  id: string;
  /** Unix seconds. */
  createdAt: number;
  numDropped?: number;
}

/** Lifetime of the signature token (livekit-server: 5 minutes). */
export const WEBHOOK_TOKEN_TTL_SEC = 300;

let type: protobuf.Type | undefined;
function eventType(): protobuf.Type {
  if (!type) {
    const root = protobuf.loadSync(PROTO_DIR + 'livekit_webhook.proto');
    root.resolveAll();
    type = root.lookupType('livekit.WebhookEvent');
  }
  return type;
}

export function newWebhookEvent(init: WebhookEventInit, nowMs: number): WebhookEvent {
  return { ...init, id: 'EV_' + randomBytes(9).toString('base64url'), createdAt: Math.floor(nowMs / 1000) };
}

/** The JSON body (protojson shape: camelCase, enums by name, int64 as strings). */
export function webhookBody(ev: WebhookEvent): string {
  const T = eventType();
  const { numDropped, ...rest } = ev;
  const obj: Record<string, unknown> = { ...rest };
  if (numDropped) obj.numDropped = numDropped;
  return JSON.stringify(T.toObject(T.fromObject(obj), { longs: String, enums: String, bytes: String, json: true }));
}

/** The Authorization header value: a JWT (no "Bearer ") carrying sha256 of the body. */
export function signWebhook(body: string, apiKey: string, apiSecret: string, nowSec: number): Promise<string> {
  const sha256 = createHash('sha256').update(body).digest('base64');
  return new SignJWT({ sha256, video: {} })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(apiKey)
    .setNotBefore(nowSec)
    .setExpirationTime(nowSec + WEBHOOK_TOKEN_TTL_SEC)
    .sign(new TextEncoder().encode(apiSecret));
}
