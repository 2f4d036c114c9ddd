// CORS for every HTTP route a browser app calls (/rtc/validate, /rtc/v1/validate, /token,
// /twirp/*). As livekit-server (rs/cors with AllowOriginFunc = always true): any origin may
// call, because every route is authorised by a token, never by cookies or the origin. So
// no Access-Control-Allow-Credentials: a browser never attaches ambient credentials.
//
// Use: `if (applyCors(req, res)) return;` first thing in a request handler. It sets the
// response headers every answer needs (including errors, so a page on another origin can
// read a 401's reason instead of seeing an opaque CORS failure) and answers a preflight
// (OPTIONS with Access-Control-Request-Method) with 204 itself.
import type { IncomingMessage, ServerResponse } from 'node:http';

export const CORS_ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS';
/** Headers LiveKit's SDKs send: the token, Twirp's content types and version header. */
export const CORS_DEFAULT_HEADERS = 'authorization, content-type, twirp-version, x-twirp-version, x-requested-with';
/** Preflight cache: one day, as livekit-server. */
export const CORS_MAX_AGE_SEC = 86400;

// Echoed headers must be a plain token list (no CR/LF or other header injection).
const HEADER_LIST_RE = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/;

/** The Origin to allow: echoed when it is one printable header value, else `*`. */
function allowOrigin(req: IncomingMessage): string {
  const o = req.headers.origin;
  return typeof o === 'string' && o.length <= 512 && /^[\x21-\x7e]+$/.test(o) ? o : '*';
}

/**
 * Sets the CORS headers on `res` (kept by a later writeHead) and answers a preflight.
 * Returns true when the request was a preflight and has been answered.
 */
export function applyCors(req: IncomingMessage, res: ServerResponse): boolean {
  const origin = allowOrigin(req);
  res.setHeader('access-control-allow-origin', origin);
  if (origin !== '*') res.setHeader('vary', 'Origin');
  // Lets the page read Twirp's and our own headers (livekit-server exposes all: '*').
  res.setHeader('access-control-expose-headers', '*');
  if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return false;
  const asked = req.headers['access-control-request-headers'];
  const headers = typeof asked === 'string' && asked.length <= 1024 && HEADER_LIST_RE.test(asked.trim())
    ? `${CORS_DEFAULT_HEADERS}, ${asked.trim().toLowerCase()}` : CORS_DEFAULT_HEADERS;
  res.setHeader('vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
  res.writeHead(204, {
    'access-control-allow-methods': CORS_ALLOW_METHODS,
    'access-control-allow-headers': headers,
    'access-control-max-age': String(CORS_MAX_AGE_SEC),
    'content-length': '0',
  }).end();
  return true;
}
