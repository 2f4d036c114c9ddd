// Checks on client requests that do not depend on session state. Each returns a reason
// string when the input is bad, so the caller can answer INVALID_REQUEST naming it.
import type { IceCandidateInit } from './room-service.js';
import type { SessionDescription } from './messages.js';

const MAX_SDP_BYTES = 256 * 1024;

export function checkSessionDescription(sd: SessionDescription | undefined, expectType: 'offer' | 'answer'): string | undefined {
  if (!sd) return `${expectType} has no SessionDescription`;
  if (sd.type !== expectType) return `${expectType} has type ${JSON.stringify(sd.type ?? '')}, expected "${expectType}"`;
  if (typeof sd.sdp !== 'string' || !sd.sdp.startsWith('v=0')) return `${expectType} sdp does not start with "v=0"`;
  if (sd.sdp.length > MAX_SDP_BYTES) return `${expectType} sdp longer than ${MAX_SDP_BYTES} bytes`;
  return undefined;
}

export type CandidateParse = { ok: true; candidate: IceCandidateInit | null } | { ok: false; reason: string };

/**
 * TrickleRequest.candidateInit is JSON.stringify(RTCIceCandidateInit). An empty
 * candidate (or an empty candidateInit on a `final` trickle) means end of candidates.
 */
export function parseCandidateInit(json: string | undefined, final: boolean): CandidateParse {
  if (!json) return final ? { ok: true, candidate: null } : { ok: false, reason: 'trickle has an empty candidateInit' };
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'trickle candidateInit is not JSON' };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, reason: 'trickle candidateInit is not a JSON object' };
  const o = v as Record<string, unknown>;
  if (typeof o.candidate !== 'string') return { ok: false, reason: 'trickle candidateInit.candidate is not a string' };
  if (o.sdpMid != null && typeof o.sdpMid !== 'string') return { ok: false, reason: 'trickle candidateInit.sdpMid is not a string' };
  if (o.sdpMLineIndex != null && !(Number.isInteger(o.sdpMLineIndex) && (o.sdpMLineIndex as number) >= 0 && (o.sdpMLineIndex as number) < 65536)) {
    return { ok: false, reason: 'trickle candidateInit.sdpMLineIndex is not an integer 0..65535' };
  }
  if (o.usernameFragment != null && typeof o.usernameFragment !== 'string') return { ok: false, reason: 'trickle candidateInit.usernameFragment is not a string' };
  if (o.candidate === '') return { ok: true, candidate: null };
  if (!/^(a=)?candidate:/.test(o.candidate)) return { ok: false, reason: 'trickle candidateInit.candidate does not start with "candidate:"' };
  const c: IceCandidateInit = { candidate: o.candidate };
  if (o.sdpMid != null) c.sdpMid = o.sdpMid as string;
  if (o.sdpMLineIndex != null) c.sdpMLineIndex = o.sdpMLineIndex as number;
  if (o.usernameFragment != null) c.usernameFragment = o.usernameFragment as string;
  return { ok: true, candidate: c };
}
