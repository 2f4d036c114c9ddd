// Twirp's error model (twitchtv/twirp spec v7): a code string, a message, optional string
// metadata; sent as JSON {"code","msg","meta"} with the HTTP status the spec maps it to.
import type { ServerResponse } from 'node:http';

export const TWIRP_STATUS = {
  canceled: 408, unknown: 500, invalid_argument: 400, malformed: 400, deadline_exceeded: 408,
  not_found: 404, bad_route: 404, already_exists: 409, permission_denied: 403,
  unauthenticated: 401, resource_exhausted: 429, failed_precondition: 412, aborted: 409,
  out_of_range: 400, unimplemented: 501, internal: 500, unavailable: 503, dataloss: 500,
} as const;

export type TwirpCode = keyof typeof TWIRP_STATUS;

export class TwirpError extends Error {
  override readonly name = 'TwirpError';
  constructor(readonly code: TwirpCode, message: string, readonly meta: Record<string, string> = {}) {
    super(message);
  }
  get status(): number { return TWIRP_STATUS[this.code]; }
}

/** Writes a Twirp error response (control characters out of the message). */
export function writeTwirpError(res: ServerResponse, err: TwirpError): void {
  if (res.headersSent) { res.end(); return; }
  const body: { code: string; msg: string; meta?: Record<string, string> } = { code: err.code, msg: err.message.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 1000) };
  if (Object.keys(err.meta).length) body.meta = err.meta;
  res.writeHead(err.status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
