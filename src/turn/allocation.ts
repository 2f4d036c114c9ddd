// One allocation (RFC 8656 §2.2): the client's 5-tuple, its credential, its relay socket,
// and its permissions and channel bindings, each with an expiry. Pure state: the core
// decides, this holds and expires. Sizes are capped by the core's quotas.
import type { HmacSha1 } from '../stun/index.js';
import { restApiParticipant } from './credentials.js';
import type { ClientLink, RelayHandle } from './links.js';

export class Channel {
  constructor(
    readonly number: number,
    readonly address: string,
    readonly port: number,
    public expiresAt: number,
  ) {}
}

export class Allocation {
  relay: RelayHandle | null = null;
  expiresAt = 0;
  closed = false;
  /** Peer IP text -> expiry (ms). Permissions are per IP, any port (RFC 8656 §9). */
  readonly permissions = new Map<string, number>();
  readonly channels = new Map<number, Channel>();
  /** Peer IP -> port -> channel, for the peer-to-client direction. */
  readonly channelsByPeer = new Map<string, Map<number, Channel>>();
  /** The Allocate transaction id and its success response, for retransmissions (§7.2). */
  readonly allocateTx = new Uint8Array(12);
  allocateResponse: Buffer | null = null;
  // Counters for this allocation.
  packetsToPeer = 0; bytesToPeer = 0;
  packetsFromPeer = 0; bytesFromPeer = 0;
  /** The participant the credential was minted for: the per-participant quota's key. */
  readonly participant: string;

  constructor(
    readonly link: ClientLink,
    readonly username: string,
    readonly key: HmacSha1,
    readonly family: 4 | 6,
  ) {
    this.participant = restApiParticipant(username);
  }

  channelFor(address: string, port: number): Channel | undefined {
    return this.channelsByPeer.get(address)?.get(port);
  }

  bindChannel(ch: Channel): void {
    this.channels.set(ch.number, ch);
    let ports = this.channelsByPeer.get(ch.address);
    if (!ports) { ports = new Map(); this.channelsByPeer.set(ch.address, ports); }
    ports.set(ch.port, ch);
  }

  unbindChannel(ch: Channel): void {
    this.channels.delete(ch.number);
    const ports = this.channelsByPeer.get(ch.address);
    if (ports) { ports.delete(ch.port); if (ports.size === 0) this.channelsByPeer.delete(ch.address); }
  }

  /** Drops expired permissions and channels; returns how many of each went. */
  expire(nowMs: number, out: { permissions: number; channels: number }): void {
    for (const [ip, exp] of this.permissions) if (exp <= nowMs) { this.permissions.delete(ip); out.permissions++; }
    for (const ch of this.channels.values()) if (ch.expiresAt <= nowMs) { this.unbindChannel(ch); out.channels++; }
  }
}
