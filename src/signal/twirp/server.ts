// Twirp over HTTP (twitchtv/twirp v7 wire protocol) for LiveKit's server APIs:
//   POST /twirp/<package>.<Service>/<Method>, body application/protobuf or
//   application/json; answer in the same format; errors as Twirp JSON (errors.ts).
// Authorization: "Bearer <JWT>" signed with one of our API keys (grants are checked by
// each method: TwirpContext.token). A missing or bad token is `unauthenticated` before
// any method runs; a body larger than maxBodyBytes is refused unread.
import type { IncomingMessage, ServerResponse } from 'node:http';
import protobuf from 'protobufjs';
import { TokenError } from '../errors.js';
import type { VerifiedToken } from '../token.js';
import { decodeBody, encodeBody, type TwirpFormat } from './codec.js';
import { TwirpError, writeTwirpError } from './errors.js';

export const TWIRP_PREFIX = '/twirp/';

export interface TwirpContext {
  /** The verified Bearer token (grants in token.video). */
  token: VerifiedToken;
}

export interface TwirpMethod {
  /** Fully qualified protobuf type names, e.g. 'livekit.ListRoomsRequest'. */
  input: string;
  output: string;
  /** Gets the decoded request (camelCase, defaults filled); resolves to the response object.
   *  Throw TwirpError for a Twirp error; anything else becomes `internal`. */
  handle(req: Record<string, unknown>, ctx: TwirpContext): Promise<Record<string, unknown>>;
}

export interface TwirpServerOptions {
  /** 'livekit.RoomService' -> { CreateRoom: ..., ... } */
  services: Record<string, Record<string, TwirpMethod>>;
  /** The protobufjs root holding every input/output type. */
  root: protobuf.Root;
  /** Verifies a Bearer token (without requiring a join grant). */
  verify(token: string): Promise<VerifiedToken>;
  /** Largest request body (default 1 MiB, LiveKit's MaxAPIRequestBodySize order). */
  maxBodyBytes?: number;
  /** Called once per finished call (metrics/logs): method path, Twirp code or 'ok'. */
  onCall?(path: string, code: string): void;
}

function formatOf(contentType: string | undefined): TwirpFormat | undefined {
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (ct === 'application/json') return 'json';
  if (ct === 'application/protobuf' || ct === 'application/x-protobuf') return 'protobuf';
  return undefined;
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > max) { reject(new TwirpError('malformed', `request body of ${declared} bytes is over the ${max}-byte limit`)); req.resume(); return; }
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > max) { reject(new TwirpError('malformed', `request body is over the ${max}-byte limit`)); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', (e) => reject(new TwirpError('malformed', `request body: ${e.message}`)));
  });
}

export class TwirpServer {
  readonly #o: TwirpServerOptions;
  readonly #max: number;

  constructor(o: TwirpServerOptions) {
    this.#o = o;
    this.#max = o.maxBodyBytes ?? 1 << 20;
    for (const methods of Object.values(o.services)) {
      for (const m of Object.values(methods)) { o.root.lookupType(m.input); o.root.lookupType(m.output); } // fail fast on a typo
    }
  }

  /** Is this path ours (so the caller routes it here)? */
  static handles(pathname: string): boolean { return pathname.startsWith(TWIRP_PREFIX); }

  async handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    let code = 'ok';
    try {
      await this.#serve(req, res, pathname);
    } catch (e) {
      const err = e instanceof TwirpError ? e : new TwirpError('internal', `internal error: ${(e as Error)?.message ?? e}`);
      code = err.code;
      if (!req.complete) req.resume();
      writeTwirpError(res, err);
    } finally {
      this.#o.onCall?.(pathname.slice(0, 200), code);
    }
  }

  async #serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const rest = pathname.slice(TWIRP_PREFIX.length);
    const slash = rest.indexOf('/');
    const service = slash > 0 ? rest.slice(0, slash) : rest;
    const name = slash > 0 ? rest.slice(slash + 1) : '';
    if (req.method !== 'POST') throw new TwirpError('bad_route', `unsupported method ${req.method} (only POST is allowed)`, { twirp_invalid_route: `${req.method} ${pathname}` });
    const methods = Object.hasOwn(this.#o.services, service) ? this.#o.services[service]! : undefined;
    const m = methods && Object.hasOwn(methods, name) ? methods[name]! : undefined;
    if (!m) throw new TwirpError('bad_route', `no handler for path ${JSON.stringify(pathname.slice(0, 200))}`, { twirp_invalid_route: `POST ${pathname.slice(0, 200)}` });
    const format = formatOf(req.headers['content-type']);
    if (!format) throw new TwirpError('bad_route', `unexpected Content-Type: ${JSON.stringify(String(req.headers['content-type'] ?? '').slice(0, 100))} (application/json or application/protobuf)`);
    const auth = req.headers.authorization;
    if (!auth) throw new TwirpError('unauthenticated', 'no Authorization header (expected "Bearer <access token>")');
    if (!/^Bearer\s+\S/i.test(auth)) throw new TwirpError('unauthenticated', 'Authorization header must be "Bearer <access token>"');
    let token: VerifiedToken;
    try {
      token = await this.#o.verify(auth.replace(/^Bearer\s+/i, '').trim());
    } catch (e) {
      if (e instanceof TokenError) throw new TwirpError('unauthenticated', `invalid authorization token: ${e.message}`);
      throw e;
    }
    const body = await readBody(req, this.#max);
    const input = decodeBody(this.#o.root.lookupType(m.input), body, format);
    const out = await m.handle(input, { token });
    const bytes = encodeBody(this.#o.root.lookupType(m.output), out, format);
    res.writeHead(200, { 'content-type': format === 'json' ? 'application/json' : 'application/protobuf', 'content-length': bytes.length }).end(bytes);
  }
}

let roomRoot: protobuf.Root | undefined;
/** The protobufjs root of proto/livekit_room.proto (+ models), loaded once. */
export function roomServiceProtoRoot(protoDir: string): protobuf.Root {
  if (!roomRoot) {
    roomRoot = protobuf.loadSync(protoDir + 'livekit_room.proto');
    roomRoot.resolveAll();
  }
  return roomRoot;
}
