// What every core object of one media host shares: the socket's TransportServer, our
// certificate and candidates, the capabilities, id generation and the event outlet.
import { randomBytes } from 'node:crypto';
import type { TransportServer } from '../../transport/index.js';
import type { Capabilities, LocalCandidate } from '../../sdp/index.js';
import type { Fingerprint } from '../../dtls/index.js';
import type { EngineEvent } from '../protocol.js';
import type { PacerMode } from '../../sfu/index.js';

export interface HostContext {
  readonly server: TransportServer;
  readonly fingerprints: Fingerprint[];
  readonly candidates: LocalCandidate[];
  readonly capabilities: Capabilities;
  /** Pacer of subscriber transports (MediaHostOptions.pacer; SubscriberSender's default when absent). */
  readonly pacer?: PacerMode;
  /** Send TWCC feedback to publishers. Default true (false only to measure a call without it). */
  readonly publisherTwcc?: boolean;
  emit(ev: EngineEvent): void;
  /** True when a published track already uses this sid (on this host). */
  trackSidTaken(sid: string): boolean;
}

export function newSid(prefix: string): string {
  return prefix + randomBytes(9).toString('base64url');
}

/** A random non-zero 32-bit SSRC not in `used`. */
export function randomSsrc(used: { has(n: number): boolean }): number {
  for (let i = 0; i < 100; i++) {
    const s = randomBytes(4).readUInt32BE(0);
    if (s !== 0 && !used.has(s)) return s;
  }
  throw new Error('no free SSRC');
}
