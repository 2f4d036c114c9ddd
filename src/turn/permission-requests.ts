// Refresh (RFC 8656 §8), CreatePermission (§9) and ChannelBind (§11): each needs an
// allocation on the 5-tuple (else 437) made with the same username (else 441). Peer
// addresses must be on the allow-list (else 403: no open relay).
import { CLASS_SUCCESS, readXorAddress, type HmacSha1 } from '../stun/index.js';
import { Channel, type Allocation } from './allocation.js';
import {
  ATTR_LIFETIME, CHANNEL_LIFETIME_S, CHANNEL_MAX, CHANNEL_MAX_RFC5766, CHANNEL_MIN, ERR_ALLOCATION_MISMATCH, ERR_BAD_REQUEST,
  ERR_FORBIDDEN, ERR_INSUFFICIENT_CAPACITY, ERR_PEER_ADDRESS_FAMILY_MISMATCH, ERR_WRONG_CREDENTIALS,
  METHOD_CHANNEL_BIND, METHOD_CREATE_PERMISSION, METHOD_REFRESH, PERMISSION_LIFETIME_S, messageType,
} from './constants.js';
import type { ClientLink } from './links.js';
import type { TurnCore } from './turn-core.js';

/** 0 when the request may act on `a`, else the error code (437 none/pending, 441 other user). */
function allocationCheck(core: TurnCore, a: Allocation | null): number {
  if (!a || !a.relay) return ERR_ALLOCATION_MISMATCH;
  if (a.username !== core.auth.username) return ERR_WRONG_CREDENTIALS;
  return 0;
}

function succeed(core: TurnCore, link: ClientLink, method: number, key: HmacSha1, lifetime = -1): void {
  const out = link.acquire(256);
  if (!out) { core.stats.droppedBackpressure++; return; }
  const v = core.view;
  const b = core.builder.begin(out, 0, messageType(method, CLASS_SUCCESS), v.buf, v.transactionId);
  if (lifetime >= 0) b.u32(ATTR_LIFETIME, lifetime);
  core.finish(link, b, key);
  core.stats.successes++;
}

export function handleRefresh(core: TurnCore, link: ClientLink, a: Allocation | null, key: HmacSha1): void {
  const M = METHOD_REFRESH, at = core.attrs;
  const bad = allocationCheck(core, a);
  if (bad) { core.sendError(link, M, bad, key); return; }
  if (at.requestedAddressFamily >= 0) {
    const f = core.view.buf[at.requestedAddressFamily];
    if ((f === 0x01 ? 4 : f === 0x02 ? 6 : 0) !== a!.family) { core.sendError(link, M, ERR_PEER_ADDRESS_FAMILY_MISMATCH, key); return; }
  }
  const lifetime = core.lifetimeFor(at.lifetime);
  if (lifetime === 0) {
    core.closeAllocation(a!, 'deleted');
    succeed(core, link, M, key, 0);
    return;
  }
  a!.expiresAt = core.nowMs + lifetime * 1000;
  succeed(core, link, M, key, lifetime);
}

/**
 * Decodes the i-th XOR-PEER-ADDRESS into core.peerAddr and checks family and allow-list
 * (port too when `withPort`). 0 when fine, else the error code.
 */
function peerCheck(core: TurnCore, a: Allocation, i: number, withPort: boolean): number {
  const v = core.view, at = core.attrs, pa = core.peerAddr;
  if (!readXorAddress(v.buf, at.peer[i], at.peerLength[i], v.transactionId, pa)) return ERR_BAD_REQUEST;
  if (pa.family !== a.family) return ERR_PEER_ADDRESS_FAMILY_MISMATCH;
  if (!core.allowList.allows(pa.family, pa.bytes, 0, withPort ? pa.port : -1)) {
    core.stats.forbiddenPeers++;
    core.onEvent({ type: 'forbidden-peer', username: a.username, peer: `${pa.address()}:${pa.port}` });
    return ERR_FORBIDDEN;
  }
  return 0;
}

const pending: string[] = [];

export function handleCreatePermission(core: TurnCore, link: ClientLink, a: Allocation | null, key: HmacSha1): void {
  const M = METHOD_CREATE_PERMISSION, at = core.attrs;
  const bad = allocationCheck(core, a);
  if (bad) { core.sendError(link, M, bad, key); return; }
  if (at.peerCount === 0) { core.sendError(link, M, ERR_BAD_REQUEST, key); return; }
  // All or nothing (§9.2): check every address before installing any.
  pending.length = 0;
  let added = 0;
  for (let i = 0; i < at.peerCount; i++) {
    const code = peerCheck(core, a!, i, false);
    if (code) { core.sendError(link, M, code, key); return; }
    const ip = core.peerAddr.address();
    if (!a!.permissions.has(ip) && !pending.includes(ip)) added++;
    pending.push(ip);
  }
  if (a!.permissions.size + added > core.config.maxPermissionsPerAllocation) {
    core.stats.quotaRejections++;
    core.onEvent({ type: 'quota', username: a!.username, what: 'permissions per allocation' });
    core.sendError(link, M, ERR_INSUFFICIENT_CAPACITY, key);
    return;
  }
  const exp = core.nowMs + PERMISSION_LIFETIME_S * 1000;
  for (const ip of pending) a!.permissions.set(ip, exp);
  succeed(core, link, M, key);
}

export function handleChannelBind(core: TurnCore, link: ClientLink, a: Allocation | null, key: HmacSha1): void {
  const M = METHOD_CHANNEL_BIND, at = core.attrs, v = core.view;
  const bad = allocationCheck(core, a);
  if (bad) { core.sendError(link, M, bad, key); return; }
  if (at.channelNumber < 0 || at.peerCount !== 1) { core.sendError(link, M, ERR_BAD_REQUEST, key); return; }
  const number = (v.buf[at.channelNumber] << 8) | v.buf[at.channelNumber + 1];
  if (number < CHANNEL_MIN || number > (core.config.rfc5766ChannelNumbers ? CHANNEL_MAX_RFC5766 : CHANNEL_MAX)) { core.sendError(link, M, ERR_BAD_REQUEST, key); return; }
  const code = peerCheck(core, a!, 0, true);
  if (code) { core.sendError(link, M, code, key); return; }
  const ip = core.peerAddr.address(), port = core.peerAddr.port;
  // §11.2: a channel stays bound to one peer and a peer to one channel while bound.
  const byNumber = a!.channels.get(number);
  if (byNumber && (byNumber.address !== ip || byNumber.port !== port)) { core.sendError(link, M, ERR_BAD_REQUEST, key); return; }
  const byPeer = a!.channelFor(ip, port);
  if (byPeer && byPeer.number !== number) { core.sendError(link, M, ERR_BAD_REQUEST, key); return; }
  const newPermission = !a!.permissions.has(ip);
  if ((!byNumber && a!.channels.size >= core.config.maxChannelsPerAllocation) ||
      (newPermission && a!.permissions.size >= core.config.maxPermissionsPerAllocation)) {
    core.stats.quotaRejections++;
    core.onEvent({ type: 'quota', username: a!.username, what: byNumber ? 'permissions per allocation' : 'channels per allocation' });
    core.sendError(link, M, ERR_INSUFFICIENT_CAPACITY, key);
    return;
  }
  const chExp = core.nowMs + CHANNEL_LIFETIME_S * 1000;
  if (byNumber) byNumber.expiresAt = chExp;
  else a!.bindChannel(new Channel(number, ip, port, chExp));
  // A channel bind also installs or refreshes the permission for the peer's IP (§11.2).
  a!.permissions.set(ip, core.nowMs + PERMISSION_LIFETIME_S * 1000);
  succeed(core, link, M, key);
}
