// The TURN server's decisions (RFC 8656), socket-free: client messages in through
// handleClient(link, ...), peer datagrams in through the relay callbacks, everything out
// through ClientLink / RelayHandle. Time is injected (`now`), so tests drive expiry.
// Requests: allocate-request.ts and permission-requests.ts; this file holds the dispatch,
// the data paths (Send/Data indications, ChannelData) and expiry.
import {
  ATTR_NONCE, ATTR_REALM, ATTR_SOFTWARE, ATTR_XOR_MAPPED_ADDRESS,
  CLASS_ERROR, CLASS_INDICATION, CLASS_REQUEST, CLASS_SUCCESS, METHOD_BINDING, ParseStatus, StunBuilder,
  StunMessageView, XorAddress, readXorAddress, type HmacSha1,
} from '../stun/index.js';
import { randomBytes } from 'node:crypto';
import { Allocation } from './allocation.js';
import { Authenticator } from './authenticator.js';
import { ChannelDataStatus, ChannelDataView, channelDataWireLength, writeChannelDataHeader } from './channel-data.js';
import {
  ATTR_DATA, ATTR_XOR_PEER_ADDRESS, DATA_INDICATION, DEFAULT_LIFETIME_S, ERR_BAD_REQUEST, ERR_STALE_NONCE,
  ERR_UNAUTHENTICATED, ERR_UNKNOWN_ATTRIBUTE, MAX_LIFETIME_S, METHOD_ALLOCATE, METHOD_CHANNEL_BIND,
  METHOD_CREATE_PERMISSION, METHOD_REFRESH, METHOD_SEND, REASONS, messageType,
} from './constants.js';
import type { ClientLink, RelayFactory } from './links.js';
import { PeerAllowList } from './peer-allow-list.js';
import { newTurnStats, type TurnStats } from './stats.js';
import { AttributeStatus, TurnAttributes } from './turn-attributes.js';
import { handleAllocate } from './allocate-request.js';
import { handleChannelBind, handleCreatePermission, handleRefresh } from './permission-requests.js';

/** What the server tells its owner; `onEvent` gets these (logging, metrics). */
export type TurnEvent =
  | { type: 'allocated'; username: string; client: string; relay: string; lifetimeS: number }
  | { type: 'allocation-closed'; username: string; client: string; reason: 'expired' | 'deleted' | 'client-gone' | 'server-closed' }
  | { type: 'auth-failed'; code: number; reason: string; client: string }
  | { type: 'forbidden-peer'; username: string; peer: string }
  | { type: 'quota'; username: string; what: string }
  | { type: 'listening'; transport: 'udp' | 'tcp' | 'tls'; address: string; port: number }
  | { type: 'error'; message: string };

export interface TurnCoreConfig {
  realm: string;
  /** The TURN REST API shared secret (coturn's static-auth-secret). */
  secret: string;
  /** Peers the relay may reach; empty = none (no open relay). */
  allowPeers: readonly string[];
  /** Relay address families offered. */
  relayFamilies: readonly (4 | 6)[];
  maxAllocations: number;
  /**
   * Allocations one participant may hold at once, over all its credentials (the quota is
   * keyed by restApiParticipant(username), so a reconnect's new credential shares it).
   */
  maxAllocationsPerParticipant: number;
  maxPermissionsPerAllocation: number;
  maxChannelsPerAllocation: number;
  defaultLifetimeS: number;
  maxLifetimeS: number;
  nonceLifetimeS: number;
  /** Largest relayed payload (bigger ones are dropped and counted). */
  maxPayload: number;
  software: string;
  /**
   * Accept ChannelBind numbers up to 0x7FFF (RFC 5766) instead of 0x4FFF (RFC 8656 §12),
   * for legacy clients; coturn's --rfc5766-channel-numbers. Default off.
   */
  rfc5766ChannelNumbers: boolean;
}

export const defaultTurnCoreConfig: Readonly<TurnCoreConfig> = Object.freeze<TurnCoreConfig>({
  realm: 'switchboard',
  secret: '',
  allowPeers: [],
  relayFamilies: [4],
  maxAllocations: 1000,
  // A browser makes one allocation per TURN URL per ICE component; LiveKit's two peer
  // connections with UDP and TCP TURN URLs make 4, ICE restarts a few more.
  maxAllocationsPerParticipant: 16,
  maxPermissionsPerAllocation: 64,
  maxChannelsPerAllocation: 64,
  defaultLifetimeS: DEFAULT_LIFETIME_S,
  maxLifetimeS: MAX_LIFETIME_S,
  nonceLifetimeS: 600,
  maxPayload: 1500,
  software: 'switchboard',
  rfc5766ChannelNumbers: false,
});

export class TurnCore {
  readonly config: Readonly<TurnCoreConfig>;
  readonly stats: TurnStats = newTurnStats();
  readonly allowList: PeerAllowList;
  readonly auth: Authenticator;
  readonly relays: RelayFactory;
  readonly now: () => number;
  onEvent: (e: TurnEvent) => void = () => {};
  /** Clock reading of the current request / tick (the data path reads this, not the clock). */
  nowMs = 0;
  readonly view = new StunMessageView();
  readonly attrs = new TurnAttributes();
  readonly builder = new StunBuilder();
  readonly peerAddr = new XorAddress();
  readonly #channelData = new ChannelDataView();
  /** UDP allocations: client IP -> port -> allocation. TCP: by link. */
  readonly #udp = new Map<string, Map<number, Allocation>>();
  readonly #tcp = new Map<ClientLink, Allocation>();
  /** Live allocations per participant (restApiParticipant of the username). */
  readonly perParticipant = new Map<string, number>();
  allocationCount = 0;
  /** Transaction ids for Data indications: random prefix, counter in the last 4 bytes. */
  readonly #indicationTx = randomBytes(12);
  #closed = false;

  constructor(config: Partial<TurnCoreConfig>, relays: RelayFactory, now: () => number = Date.now) {
    this.config = Object.freeze({ ...defaultTurnCoreConfig, ...config });
    this.allowList = new PeerAllowList(this.config.allowPeers);
    this.auth = new Authenticator(this.config.realm, this.config.secret, this.config.nonceLifetimeS);
    this.relays = relays;
    this.now = now;
    this.nowMs = now();
  }

  // --- lookup --------------------------------------------------------------------------
  allocationFor(link: ClientLink): Allocation | undefined {
    if (link.transport === 'tcp') return this.#tcp.get(link);
    return this.#udp.get(link.address)?.get(link.port);
  }

  addAllocation(a: Allocation): void {
    if (a.link.transport === 'tcp') this.#tcp.set(a.link, a);
    else {
      let ports = this.#udp.get(a.link.address);
      if (!ports) { ports = new Map(); this.#udp.set(a.link.address, ports); }
      ports.set(a.link.port, a);
    }
    this.allocationCount++;
    this.perParticipant.set(a.participant, (this.perParticipant.get(a.participant) ?? 0) + 1);
    this.stats.allocationsActive = this.allocationCount;
  }

  closeAllocation(a: Allocation, reason: 'expired' | 'deleted' | 'client-gone' | 'server-closed'): void {
    if (a.closed) return;
    a.closed = true;
    a.relay?.close();
    if (a.link.transport === 'tcp') this.#tcp.delete(a.link);
    else {
      const ports = this.#udp.get(a.link.address);
      if (ports) { ports.delete(a.link.port); if (ports.size === 0) this.#udp.delete(a.link.address); }
    }
    this.allocationCount--;
    const n = (this.perParticipant.get(a.participant) ?? 1) - 1;
    if (n > 0) this.perParticipant.set(a.participant, n); else this.perParticipant.delete(a.participant);
    this.stats.allocationsActive = this.allocationCount;
    if (reason === 'expired') this.stats.allocationsExpired++;
    else if (reason === 'deleted') this.stats.allocationsDeleted++;
    this.onEvent({ type: 'allocation-closed', username: a.username, client: `${a.link.transport}:${a.link.address}:${a.link.port}`, reason });
  }

  /** A TCP connection (or a UDP client the owner knows is gone) ended: its allocation goes. */
  linkClosed(link: ClientLink): void {
    const a = this.allocationFor(link);
    if (a) this.closeAllocation(a, 'client-gone');
  }

  get closed(): boolean { return this.#closed; }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const a of [...this.#tcp.values(), ...[...this.#udp.values()].flatMap((m) => [...m.values()])]) this.closeAllocation(a, 'server-closed');
  }

  // --- time ----------------------------------------------------------------------------
  /** Expires allocations, permissions and channels. The server calls it about once a second. */
  tick(nowMs = this.now()): void {
    this.nowMs = nowMs;
    const gone = { permissions: 0, channels: 0 };
    let perms = 0, chans = 0;
    for (const a of this.#allAllocations()) {
      if (a.relay && a.expiresAt <= nowMs) { this.closeAllocation(a, 'expired'); continue; }
      a.expire(nowMs, gone);
      perms += a.permissions.size; chans += a.channels.size;
    }
    this.stats.permissionsExpired += gone.permissions;
    this.stats.channelsExpired += gone.channels;
    this.stats.permissionsActive = perms;
    this.stats.channelsActive = chans;
  }

  /** A copy of the counters with the gauges (active permissions/channels) current. */
  snapshot(): TurnStats {
    let perms = 0, chans = 0;
    for (const a of this.#allAllocations()) { perms += a.permissions.size; chans += a.channels.size; }
    this.stats.permissionsActive = perms;
    this.stats.channelsActive = chans;
    return { ...this.stats, errors: { ...this.stats.errors } };
  }

  #allAllocations(): Allocation[] {
    const out = [...this.#tcp.values()];
    for (const ports of this.#udp.values()) for (const a of ports.values()) out.push(a);
    return out;
  }

  /** Lifetime (s) to grant for a requested LIFETIME value offset (-1 = absent). */
  lifetimeFor(valueOffset: number): number {
    if (valueOffset < 0) return this.config.defaultLifetimeS;
    const want = this.view.readU32(valueOffset);
    if (want === 0) return 0;
    return Math.max(Math.min(want, this.config.maxLifetimeS), this.config.defaultLifetimeS);
  }

  // --- client input ----------------------------------------------------------------------
  /** One datagram (UDP) or one framed message (TCP) from a client. Never throws. */
  handleClient(link: ClientLink, buf: Buffer, off: number, len: number): void {
    if (this.#closed || len < 1) return;
    const first = buf[off];
    if (first < 0x40) this.#handleStun(link, buf, off, len);
    else if (first < 0x80) this.#handleChannelData(link, buf, off, len);
    else this.stats.malformed++;
  }

  #handleChannelData(link: ClientLink, buf: Buffer, off: number, len: number): void {
    const cd = this.#channelData;
    if (cd.reset(buf, off, len) !== ChannelDataStatus.Ok) { this.stats.malformed++; return; }
    this.stats.channelDataIn++;
    const a = this.allocationFor(link);
    if (!a || !a.relay) { this.stats.droppedNoAllocation++; return; }
    const ch = a.channels.get(cd.channel);
    if (!ch || ch.expiresAt <= this.nowMs) { this.stats.droppedNoChannel++; return; }
    const perm = a.permissions.get(ch.address);
    if (perm === undefined || perm <= this.nowMs) { this.stats.droppedNoPermission++; return; }
    this.#toPeer(a, buf, cd.dataOffset, cd.dataLength, ch.port, ch.address);
  }

  #toPeer(a: Allocation, buf: Buffer, off: number, len: number, port: number, address: string): void {
    if (len > this.config.maxPayload) { this.stats.droppedTooBig++; return; }
    if (!a.relay!.send(buf, off, len, port, address)) { this.stats.droppedBackpressure++; return; }
    a.packetsToPeer++; a.bytesToPeer += len;
    this.stats.packetsToPeers++; this.stats.bytesToPeers += len;
  }

  #handleStun(link: ClientLink, buf: Buffer, off: number, len: number): void {
    const v = this.view;
    if (v.reset(buf, off, len) !== ParseStatus.Ok) { this.stats.malformed++; return; }
    if (v.fingerprint >= 0 && !v.verifyFingerprint()) { this.stats.malformed++; return; }
    const cls = v.messageClass, method = v.method;
    if (cls === CLASS_INDICATION) {
      if (method === METHOD_SEND) this.#handleSend(link);
      else this.stats.ignored++;
      return;
    }
    if (cls !== CLASS_REQUEST) { this.stats.ignored++; return; }
    this.stats.requests++;
    this.nowMs = this.now();
    if (method === METHOD_BINDING) { this.#handleBinding(link); return; }
    if (method !== METHOD_ALLOCATE && method !== METHOD_REFRESH && method !== METHOD_CREATE_PERMISSION && method !== METHOD_CHANNEL_BIND) {
      this.sendError(link, method, ERR_BAD_REQUEST, null);
      return;
    }
    const a = this.allocationFor(link) ?? null;
    const code = this.auth.check(v, link.address, link.port, this.nowMs, a);
    if (code !== 0) {
      this.stats.authFailures++;
      if (code === ERR_STALE_NONCE) this.stats.staleNonces++;
      this.onEvent({ type: 'auth-failed', code, reason: this.auth.reason, client: `${link.transport}:${link.address}:${link.port}` });
      this.sendError(link, method, code, null);
      return;
    }
    const key = this.auth.key!;
    if (this.attrs.read(v) !== AttributeStatus.Ok) { this.sendError(link, method, ERR_BAD_REQUEST, key); return; }
    if (this.attrs.unknownCount > 0) { this.sendError(link, method, ERR_UNKNOWN_ATTRIBUTE, key); return; }
    switch (method) {
      case METHOD_ALLOCATE: handleAllocate(this, link, a, key); break;
      case METHOD_REFRESH: handleRefresh(this, link, a, key); break;
      case METHOD_CREATE_PERMISSION: handleCreatePermission(this, link, a, key); break;
      default: handleChannelBind(this, link, a, key);
    }
  }

  #handleBinding(link: ClientLink): void {
    const v = this.view, out = link.acquire(128);
    if (!out) { this.stats.droppedBackpressure++; return; }
    const b = this.builder.begin(out, 0, messageType(METHOD_BINDING, CLASS_SUCCESS), v.buf, v.transactionId)
      .xorAddressText(ATTR_XOR_MAPPED_ADDRESS, link.address, link.port);
    if (v.fingerprint >= 0) b.fingerprint();
    this.#commit(link, b.end());
    this.stats.successes++;
  }

  #handleSend(link: ClientLink): void {
    this.stats.sendIndications++;
    const v = this.view, at = this.attrs;
    const a = this.allocationFor(link);
    if (!a || !a.relay) { this.stats.droppedNoAllocation++; return; }
    if (at.read(v) !== AttributeStatus.Ok || at.peerCount < 1 || at.data < 0 || at.dontFragment || at.unknownCount > 0) { this.stats.malformed++; return; }
    const pa = this.peerAddr;
    if (!readXorAddress(v.buf, at.peer[0], at.peerLength[0], v.transactionId, pa) || pa.family !== a.family) { this.stats.malformed++; return; }
    const address = pa.address();
    const perm = a.permissions.get(address);
    if (perm === undefined || perm <= this.nowMs) { this.stats.droppedNoPermission++; return; }
    if (!this.allowList.allows(pa.family, pa.bytes, 0, pa.port)) { this.stats.droppedForbidden++; return; }
    this.#toPeer(a, v.buf as Buffer, at.data, at.dataLength, pa.port, address);
  }

  // --- peer input --------------------------------------------------------------------------
  /** A datagram from a peer to an allocation's relay: to the client as ChannelData or a Data indication. */
  handlePeer(a: Allocation, buf: Buffer, len: number, address: string, port: number): void {
    if (a.closed) return;
    const perm = a.permissions.get(address);
    if (perm === undefined || perm <= this.nowMs) { this.stats.droppedNoPermission++; return; }
    if (len > this.config.maxPayload) { this.stats.droppedTooBig++; return; }
    a.packetsFromPeer++; a.bytesFromPeer += len;
    this.stats.packetsFromPeers++; this.stats.bytesFromPeers += len;
    const link = a.link;
    const ch = a.channelFor(address, port);
    if (ch && ch.expiresAt > this.nowMs) {
      const wire = channelDataWireLength(len, link.stream);
      const out = link.acquire(wire);
      if (!out) { this.stats.droppedBackpressure++; return; }
      writeChannelDataHeader(out, 0, ch.number, len);
      buf.copy(out, 4, 0, len);
      for (let i = 4 + len; i < wire; i++) out[i] = 0;
      link.commit(wire);
      this.stats.channelDataOut++;
      return;
    }
    const out = link.acquire(len + 64);
    if (!out) { this.stats.droppedBackpressure++; return; }
    const tx = this.#indicationTx;
    tx.writeUInt32BE((tx.readUInt32BE(8) + 1) >>> 0, 8);
    const n = this.builder.begin(out, 0, DATA_INDICATION, tx, 0)
      .xorAddressText(ATTR_XOR_PEER_ADDRESS, address, port)
      .bytes(ATTR_DATA, buf, 0, len).end();
    if (n === 0) { this.stats.droppedTooBig++; return; }
    link.commit(n);
    this.stats.dataIndications++;
  }

  // --- responses ---------------------------------------------------------------------------
  /** An error response; 401/438 (key null) carry REALM and a fresh NONCE. */
  sendError(link: ClientLink, method: number, code: number, key: HmacSha1 | null): void {
    const v = this.view, out = link.acquire(512);
    this.stats.errors[code] = (this.stats.errors[code] ?? 0) + 1;
    if (!out) { this.stats.droppedBackpressure++; return; }
    const b = this.builder.begin(out, 0, messageType(method, CLASS_ERROR), v.buf, v.transactionId)
      .errorCode(code, REASONS[code] ?? 'Error');
    if (code === ERR_UNKNOWN_ATTRIBUTE) {
      const at = this.attrs;
      if (at.dontFragment && at.unknownCount < at.unknown.length) at.unknown[at.unknownCount++] = 0x001a;
      b.unknownAttributes(at.unknown, at.unknownCount);
    }
    if (code === ERR_UNAUTHENTICATED || code === ERR_STALE_NONCE) {
      b.text(ATTR_REALM, this.config.realm).text(ATTR_NONCE, this.auth.nonce(link.address, link.port, this.nowMs));
    }
    this.finish(link, b, key);
  }

  /** Appends SOFTWARE, MESSAGE-INTEGRITY (when authenticated) and FINGERPRINT (when the request had one), and sends. */
  finish(link: ClientLink, b: StunBuilder, key: HmacSha1 | null): number {
    if (this.config.software) b.text(ATTR_SOFTWARE, this.config.software);
    if (key) b.integrity(key);
    if (this.view.fingerprint >= 0) b.fingerprint();
    const n = b.end();
    this.#commit(link, n);
    return n;
  }

  #commit(link: ClientLink, n: number): void {
    if (n > 0) link.commit(n);
    else this.onEvent({ type: 'error', message: 'response did not fit its buffer' });
  }
}
