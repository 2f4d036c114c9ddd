// The two ways a client states its join (LiveKit's URL shapes):
//   v0  /rtc?access_token&auto_subscribe&adaptive_stream&reconnect&sid&sdk&version&protocol...
//   v1  /rtc/v1?access_token&join_request=<base64url WrappedJoinRequest>
// v1 carries a protobuf JoinRequest (gzip-compressed when the browser can), with the
// client's first publisher offer inside: one peer connection for publishing and
// subscribing. Both are reduced to one ConnectRequest; bad input is an error that names
// the problem (the client shows it), never a throw past this file.
import { gunzipSync } from 'node:zlib';
import { signalProtoRoot } from './proto.js';
import type { SessionDescription } from './messages.js';
import type { ClientInfo } from './room-service.js';

export interface ConnectRequest {
  /** /rtc/v1: one peer connection (LiveKit singlePeerConnection). */
  singlePeerConnection: boolean;
  autoSubscribe: boolean;
  adaptiveStream: boolean;
  reconnect: boolean;
  /** The participant sid a reconnecting client resumes. */
  participantSid?: string;
  client: ClientInfo;
  /** v1: the first publisher offer, answered right after the join response. */
  publisherOffer?: SessionDescription;
  /** v1: metadata / attributes the client asks for (applied only when the grant allows). */
  metadata?: string;
  attributes?: Record<string, string>;
}

export class JoinRequestError extends Error {
  override readonly name = 'JoinRequestError';
}

/** Decompressed JoinRequest bytes we accept (an offer with many sections is ~20 KiB). */
export const MAX_JOIN_REQUEST_BYTES = 256 * 1024;

const SDK_NAMES: Record<number, string> = { 1: 'js', 2: 'swift', 3: 'android', 4: 'flutter', 5: 'go', 6: 'unity', 7: 'reactnative', 8: 'rust', 9: 'python', 10: 'cpp', 11: 'unityweb', 12: 'node', 13: 'unreal', 14: 'esp32', 15: 'dotnet' };

function flag(v: string | null, dflt: boolean): boolean {
  if (v === null || v === '') return dflt;
  return /^(1|true|yes|on)$/i.test(v);
}

const short = (s: unknown) => (typeof s === 'string' && s ? s.slice(0, 64) : undefined);

/** v0: everything from the query string. */
export function connectRequestV0(q: URLSearchParams): ConnectRequest {
  const client: ClientInfo = {};
  for (const k of ['sdk', 'version', 'os', 'browser'] as const) { const s = short(q.get(k)); if (s) client[k] = s; }
  const p = q.get('protocol');
  if (p && /^\d{1,4}$/.test(p)) client.protocol = Number(p);
  const sid = q.get('sid');
  return {
    singlePeerConnection: false,
    autoSubscribe: flag(q.get('auto_subscribe'), true),
    adaptiveStream: flag(q.get('adaptive_stream'), false),
    reconnect: flag(q.get('reconnect'), false),
    ...(sid ? { participantSid: sid } : {}),
    client,
  };
}

/** v1: the join_request parameter. Throws JoinRequestError naming what is wrong. */
export function connectRequestV1(q: URLSearchParams): ConnectRequest {
  const param = q.get('join_request');
  if (!param) throw new JoinRequestError('missing join_request parameter (the /rtc/v1 path needs one)');
  if (!/^[A-Za-z0-9_\-+/]+=*$/.test(param)) throw new JoinRequestError('join_request is not base64url');
  const wrapped = Buffer.from(param.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  const root = signalProtoRoot();
  let w: { compression?: number; joinRequest?: Buffer };
  try {
    const T = root.lookupType('livekit.WrappedJoinRequest');
    w = T.toObject(T.decode(wrapped), { enums: Number, bytes: Buffer }) as typeof w;
  } catch (e) {
    throw new JoinRequestError(`join_request is not a WrappedJoinRequest: ${(e as Error).message}`);
  }
  let bytes = w.joinRequest ?? Buffer.alloc(0);
  if (w.compression === 1) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_JOIN_REQUEST_BYTES });
    } catch (e) {
      throw new JoinRequestError(`join_request gzip data is invalid or larger than ${MAX_JOIN_REQUEST_BYTES} bytes: ${(e as Error).message}`);
    }
  } else if (w.compression !== undefined && w.compression !== 0) {
    throw new JoinRequestError(`join_request compression ${w.compression} is not supported`);
  }
  if (bytes.length > MAX_JOIN_REQUEST_BYTES) throw new JoinRequestError(`join_request of ${bytes.length} bytes exceeds ${MAX_JOIN_REQUEST_BYTES}`);
  let j: {
    clientInfo?: { sdk?: number; version?: string; protocol?: number; os?: string; browser?: string };
    connectionSettings?: { autoSubscribe?: boolean; adaptiveStream?: boolean };
    metadata?: string; participantAttributes?: Record<string, string>;
    publisherOffer?: SessionDescription; reconnect?: boolean; participantSid?: string;
  };
  try {
    const T = root.lookupType('livekit.JoinRequest');
    j = T.toObject(T.decode(bytes), { enums: Number, longs: Number }) as typeof j;
  } catch (e) {
    throw new JoinRequestError(`join_request does not hold a JoinRequest: ${(e as Error).message}`);
  }
  const ci = j.clientInfo ?? {};
  const client: ClientInfo = {};
  const sdk = ci.sdk !== undefined ? SDK_NAMES[ci.sdk] : undefined;
  if (sdk) client.sdk = sdk;
  for (const k of ['version', 'os', 'browser'] as const) { const s = short(ci[k]); if (s) client[k] = s; }
  if (typeof ci.protocol === 'number' && ci.protocol > 0 && ci.protocol < 10000) client.protocol = ci.protocol;
  const cs = j.connectionSettings ?? {};
  const offer = j.publisherOffer;
  return {
    singlePeerConnection: true,
    // proto3 default false is what LiveKit reads too; livekit-client always sets it.
    autoSubscribe: cs.autoSubscribe === true,
    adaptiveStream: cs.adaptiveStream === true,
    reconnect: j.reconnect === true,
    ...(j.participantSid ? { participantSid: j.participantSid } : {}),
    client,
    ...(offer && typeof offer.sdp === 'string' && offer.sdp ? { publisherOffer: { type: offer.type ?? 'offer', sdp: offer.sdp, ...(offer.id ? { id: offer.id } : {}) } } : {}),
    ...(j.metadata ? { metadata: j.metadata } : {}),
    ...(j.participantAttributes && Object.keys(j.participantAttributes).length ? { attributes: j.participantAttributes } : {}),
  };
}
