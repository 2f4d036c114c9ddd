// LiveKit-style access tokens: HS256 JWTs signed with an API secret.
//
// Claims (LiveKit's layout): iss = API key, sub = participant identity, name, metadata,
// attributes, nbf, exp, jti, and `video`: the VideoGrant object (camelCase keys).
// As in LiveKit, canPublish / canSubscribe / canPublishData default to true when absent.
import { SignJWT, jwtVerify, decodeJwt, decodeProtectedHeader, errors as joseErrors } from 'jose';
import { TokenError } from './errors.js';
import { TrackSource, type ParticipantPermission } from './messages.js';

/** LiveKit's VideoGrant (the `video` claim). Only the fields Switchboard reads are typed. */
export interface VideoGrant {
  room?: string;
  roomJoin?: boolean;
  roomCreate?: boolean;
  roomList?: boolean;
  roomAdmin?: boolean;
  canPublish?: boolean;
  canSubscribe?: boolean;
  canPublishData?: boolean;
  /** LiveKit source names: 'camera' | 'microphone' | 'screen_share' | 'screen_share_audio'. */
  canPublishSources?: string[];
  canUpdateOwnMetadata?: boolean;
  hidden?: boolean;
  recorder?: boolean;
}

export interface TokenClaims {
  identity: string;
  name?: string;
  metadata?: string;
  attributes?: Record<string, string>;
  video: VideoGrant;
  /** Lifetime in seconds (default 6 h, LiveKit's default). */
  ttlSec?: number;
  /** Issue time in seconds (default now). nbf = this. */
  nowSec?: number;
}

export interface VerifiedToken {
  apiKey: string;
  identity: string;
  name: string;
  metadata: string;
  attributes: Record<string, string>;
  /** LiveKit's `kind` claim ('standard', 'agent', 'ingress', 'egress', 'sip'); default 'standard'. */
  kind: string;
  video: VideoGrant;
  /** The grant as LiveKit's ParticipantPermission (defaults applied). */
  permission: Required<Pick<ParticipantPermission, 'canSubscribe' | 'canPublish' | 'canPublishData' | 'canPublishSources' | 'hidden' | 'recorder' | 'canUpdateMetadata'>>;
  exp: number;
  nbf: number;
}

/** Returns the secret of an API key, or undefined when the key is unknown. */
export type KeyProvider = (apiKey: string) => string | undefined;

export interface VerifyOptions {
  /** Current time in seconds (default: the clock). */
  nowSec?: number;
  /** The room the client asked for; when set it must equal video.room. */
  room?: string;
  /** Leeway for exp/nbf in seconds (default 0). */
  clockToleranceSec?: number;
  /** Require roomJoin + room + identity (default true). Server API tokens (Twirp) carry
   *  roomCreate/roomList/roomAdmin and often no identity: pass false, check grants after. */
  requireJoin?: boolean;
}

const SOURCE_NAMES: Record<string, TrackSource> = {
  camera: TrackSource.CAMERA,
  microphone: TrackSource.MICROPHONE,
  screen_share: TrackSource.SCREEN_SHARE,
  screen_share_audio: TrackSource.SCREEN_SHARE_AUDIO,
};

const enc = new TextEncoder();

export async function createToken(apiKey: string, secret: string, claims: TokenClaims): Promise<string> {
  const now = claims.nowSec ?? Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = { video: claims.video };
  if (claims.name !== undefined) payload.name = claims.name;
  if (claims.metadata !== undefined) payload.metadata = claims.metadata;
  if (claims.attributes !== undefined) payload.attributes = claims.attributes;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(apiKey)
    .setSubject(claims.identity)
    .setJti(claims.identity)
    .setNotBefore(now)
    .setExpirationTime(now + (claims.ttlSec ?? 6 * 3600))
    .sign(enc.encode(secret));
}

/** Verify a token and its join grant. Throws TokenError (with a code) on any problem. */
export async function verifyToken(token: string | undefined | null, keys: KeyProvider, opts: VerifyOptions = {}): Promise<VerifiedToken> {
  if (!token) throw new TokenError('missing', 'no access token (pass ?access_token= or Authorization: Bearer)');
  let apiKey: unknown;
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== 'HS256') throw new TokenError('malformed', `token algorithm ${String(header.alg)} is not HS256`);
    apiKey = decodeJwt(token).iss;
  } catch (e) {
    if (e instanceof TokenError) throw e;
    throw new TokenError('malformed', `token is not a valid JWT: ${(e as Error).message}`);
  }
  if (typeof apiKey !== 'string' || !apiKey) throw new TokenError('malformed', 'token has no iss (API key) claim');
  const secret = keys(apiKey);
  if (secret === undefined) throw new TokenError('unknown-key', `unknown API key "${apiKey}"`);

  const nowSec = opts.nowSec ?? Math.floor(Date.now() / 1000);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, enc.encode(secret), {
      algorithms: ['HS256'],
      currentDate: new Date(nowSec * 1000),
      clockTolerance: opts.clockToleranceSec ?? 0,
    }));
  } catch (e) {
    throw mapJoseError(e);
  }
  if (typeof payload.exp !== 'number') throw new TokenError('bad-claims', 'token has no exp claim');
  return checkGrant(apiKey, payload, opts.room, opts.requireJoin ?? true);
}

function mapJoseError(e: unknown): TokenError {
  const msg = (e as Error)?.message ?? String(e);
  if (e instanceof joseErrors.JWTExpired) return new TokenError('expired', `token expired (${msg})`);
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return new TokenError('bad-signature', 'token signature does not verify with the API secret');
  if (e instanceof joseErrors.JWTClaimValidationFailed && e.claim === 'nbf') return new TokenError('not-yet-valid', `token not valid yet (${msg})`);
  if (e instanceof joseErrors.JWTClaimValidationFailed) return new TokenError('bad-claims', `token claim ${e.claim} invalid: ${msg}`);
  return new TokenError('malformed', `token rejected: ${msg}`);
}

function checkGrant(apiKey: string, p: Record<string, unknown>, room: string | undefined, requireJoin: boolean): VerifiedToken {
  const str = (k: string): string => {
    const v = p[k];
    if (v === undefined) return '';
    if (typeof v !== 'string') throw new TokenError('bad-claims', `claim ${k} must be a string`);
    return v;
  };
  const identity = str('sub');
  const name = str('name');
  const metadata = str('metadata');
  const kind = str('kind');
  const attributes: Record<string, string> = {};
  if (p.attributes !== undefined) {
    if (typeof p.attributes !== 'object' || p.attributes === null) throw new TokenError('bad-claims', 'claim attributes must be an object');
    for (const [k, v] of Object.entries(p.attributes)) {
      if (typeof v !== 'string') throw new TokenError('bad-claims', `attribute ${k} must be a string`);
      attributes[k] = v;
    }
  }
  const video = p.video;
  if (video === undefined) throw new TokenError('no-join-grant', 'token has no video grant');
  if (typeof video !== 'object' || video === null || Array.isArray(video)) throw new TokenError('bad-claims', 'claim video must be an object');
  const g = video as Record<string, unknown>;
  for (const k of ['roomJoin', 'roomCreate', 'roomList', 'roomAdmin', 'canPublish', 'canSubscribe', 'canPublishData', 'canUpdateOwnMetadata', 'hidden', 'recorder']) {
    if (g[k] !== undefined && typeof g[k] !== 'boolean') throw new TokenError('bad-claims', `video.${k} must be a boolean`);
  }
  if (g.room !== undefined && typeof g.room !== 'string') throw new TokenError('bad-claims', 'video.room must be a string');
  const sources: TrackSource[] = [];
  if (g.canPublishSources !== undefined) {
    if (!Array.isArray(g.canPublishSources)) throw new TokenError('bad-claims', 'video.canPublishSources must be an array');
    for (const s of g.canPublishSources) {
      const src = typeof s === 'string' ? SOURCE_NAMES[s.toLowerCase()] : undefined;
      if (src === undefined) throw new TokenError('bad-claims', `video.canPublishSources has unknown source ${JSON.stringify(s)}`);
      sources.push(src);
    }
  }
  const grant = g as VideoGrant;
  if (requireJoin) {
    if (grant.roomJoin !== true) throw new TokenError('no-join-grant', 'token does not grant roomJoin');
    if (!grant.room) throw new TokenError('no-join-grant', 'token grants roomJoin but names no room');
    if (room !== undefined && room !== grant.room) throw new TokenError('wrong-room', `token is for room "${grant.room}", not "${room}"`);
    if (!identity) throw new TokenError('no-identity', 'token has no sub (identity) claim');
  }
  return {
    apiKey,
    identity,
    name,
    metadata,
    attributes,
    kind: kind || 'standard',
    video: grant,
    permission: {
      canPublish: grant.canPublish ?? true,
      canSubscribe: grant.canSubscribe ?? true,
      canPublishData: grant.canPublishData ?? true,
      canPublishSources: sources,
      hidden: grant.hidden ?? false,
      recorder: grant.recorder ?? false,
      canUpdateMetadata: grant.canUpdateOwnMetadata ?? false,
    },
    exp: p.exp as number,
    nbf: typeof p.nbf === 'number' ? p.nbf : 0,
  };
}
