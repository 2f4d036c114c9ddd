// Our side of the transport, written the same way into answers (publisher transport) and
// offers (subscriber transport): ICE-lite credentials, DTLS fingerprint, host candidates.
import { randomBytes } from 'node:crypto';
import { SdpError } from './errors.js';
import { candidatePriority } from './candidate.js';
import type { Candidate, Fingerprint, MediaSection, SetupRole } from './types.js';

/** One socket of ours, announced as a host candidate. */
export interface LocalCandidate {
  address: string;
  port: number;
  /** Default 'udp'. A 'tcp' candidate is written with tcptype passive. */
  protocol?: 'udp' | 'tcp';
}

export interface LocalTransport {
  iceUfrag: string;
  icePwd: string;
  /** Usually one sha-256 fingerprint of our DTLS certificate. */
  fingerprints: Fingerprint[];
  /** One host candidate per worker socket. */
  candidates: LocalCandidate[];
}

export function checkLocalTransport(t: LocalTransport): void {
  // RFC 8839 §5.4: ufrag at least 4 ice-chars, pwd at least 22.
  if (typeof t?.iceUfrag !== 'string' || !/^[A-Za-z0-9+/]{4,256}$/.test(t.iceUfrag)) throw new SdpError('bad-params', 'iceUfrag must be 4-256 ice-chars');
  if (typeof t.icePwd !== 'string' || !/^[A-Za-z0-9+/]{22,256}$/.test(t.icePwd)) throw new SdpError('bad-params', 'icePwd must be 22-256 ice-chars');
  if (!Array.isArray(t.fingerprints) || !t.fingerprints.length) throw new SdpError('bad-params', 'at least one DTLS fingerprint is needed');
  for (const f of t.fingerprints) {
    if (!/^[a-z0-9-]+$/.test(f.algorithm) || !/^[0-9A-F]{2}(:[0-9A-F]{2})+$/.test(f.value)) throw new SdpError('bad-params', `bad fingerprint ${f.algorithm} ${f.value}`);
  }
  if (!Array.isArray(t.candidates)) throw new SdpError('bad-params', 'candidates must be an array');
  for (const c of t.candidates) {
    if (!c || typeof c.address !== 'string' || !c.address || /\s/.test(c.address) || !Number.isInteger(c.port) || c.port < 1 || c.port > 65535) {
      throw new SdpError('bad-params', `bad candidate ${JSON.stringify(c)}`);
    }
  }
}

/** Host candidates in the order given; the first gets the highest local preference. */
export function hostCandidates(list: LocalCandidate[]): Candidate[] {
  return list.map((c, i) => {
    const tcp = c.protocol === 'tcp';
    const cand: Candidate = {
      foundation: String(i + 1), component: 1, transport: tcp ? 'tcp' : 'udp',
      // UDP above TCP; earlier sockets above later ones. TCP: libwebrtc's host-TCP type
      // preference (90) and RFC 6544 §4.2 local preference 2^13*direction-pref
      // (passive = 4) + other-pref.
      priority: tcp ? candidatePriority(90, (4 << 13) + 0x1fff - i, 1) : candidatePriority(126, 0xffff - i, 1),
      address: c.address, port: c.port, type: 'host', extensions: [],
    };
    if (tcp) cand.tcpType = 'passive';
    return cand;
  });
}

/** Writes ufrag/pwd/fingerprints/setup/candidates into an m-line. */
export function writeTransport(m: MediaSection, t: LocalTransport, setup: SetupRole, candidates: Candidate[]): void {
  m.connection = { netType: 'IN', addrType: 'IP4', address: '0.0.0.0' };
  m.iceUfrag = t.iceUfrag;
  m.icePwd = t.icePwd;
  m.fingerprints = t.fingerprints.map((f) => ({ ...f }));
  m.setup = setup;
  m.candidates = candidates.map((c) => ({ ...c, extensions: [...c.extensions] }));
  m.endOfCandidates = true; // ICE-lite: we gather nothing later
}

/** A random decimal session id below 2^62 (RFC 8866 suggests an NTP-ish number; any unique one works). */
export function newSessionId(): string {
  return (randomBytes(8).readBigUInt64BE() >> 2n).toString();
}
