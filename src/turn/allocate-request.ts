// Allocate (RFC 8656 §7.2): checks in the RFC's order, quotas, then a relay socket bound
// asynchronously; the success response is kept for retransmissions of the same request.
import { ATTR_SOFTWARE, ATTR_XOR_MAPPED_ADDRESS, CLASS_ERROR, CLASS_SUCCESS, type HmacSha1 } from '../stun/index.js';
import { Allocation } from './allocation.js';
import { restApiParticipant } from './credentials.js';
import {
  ATTR_LIFETIME, ATTR_XOR_RELAYED_ADDRESS, ERR_ADDRESS_FAMILY_NOT_SUPPORTED, ERR_ALLOCATION_MISMATCH,
  ERR_ALLOCATION_QUOTA, ERR_BAD_REQUEST, ERR_INSUFFICIENT_CAPACITY, ERR_UNKNOWN_ATTRIBUTE, ERR_UNSUPPORTED_TRANSPORT,
  METHOD_ALLOCATE, REASONS, TRANSPORT_UDP, messageType,
} from './constants.js';
import type { ClientLink } from './links.js';
import type { TurnCore } from './turn-core.js';

export function handleAllocate(core: TurnCore, link: ClientLink, existing: Allocation | null, key: HmacSha1): void {
  const v = core.view, at = core.attrs, M = METHOD_ALLOCATE;
  if (existing) {
    // Same transaction: a retransmission; answer it again (or stay quiet while binding).
    if (v.transactionIdEquals(existing.allocateTx, 0)) {
      const res = existing.allocateResponse;
      if (!res) return;
      const out = link.acquire(res.length);
      if (out) { res.copy(out, 0); link.commit(res.length); }
      return;
    }
    core.sendError(link, M, ERR_ALLOCATION_MISMATCH, key);
    return;
  }
  // DONT-FRAGMENT is comprehension-required and Node cannot set DF: refuse it as unknown.
  if (at.dontFragment) { core.sendError(link, M, ERR_UNKNOWN_ATTRIBUTE, key); return; }
  if (at.requestedTransport < 0) { core.sendError(link, M, ERR_BAD_REQUEST, key); return; }
  if (v.buf[at.requestedTransport] !== TRANSPORT_UDP) { core.sendError(link, M, ERR_UNSUPPORTED_TRANSPORT, key); return; }
  if (at.reservationToken >= 0) {
    // We keep no reservations (EVEN-PORT's R bit is not honoured), so no token is valid.
    const code = at.evenPort >= 0 || at.requestedAddressFamily >= 0 ? ERR_BAD_REQUEST : ERR_INSUFFICIENT_CAPACITY;
    core.sendError(link, M, code, key);
    return;
  }
  let family: 4 | 6 = core.config.relayFamilies[0] ?? 4;
  if (at.requestedAddressFamily >= 0) {
    const f = v.buf[at.requestedAddressFamily];
    const want = f === 0x01 ? 4 : f === 0x02 ? 6 : 0;
    if (want === 0 || !core.config.relayFamilies.includes(want)) { core.sendError(link, M, ERR_ADDRESS_FAMILY_NOT_SUPPORTED, key); return; }
    family = want;
  }
  const username = core.auth.username;
  if (core.allocationCount >= core.config.maxAllocations) {
    core.stats.quotaRejections++;
    core.onEvent({ type: 'quota', username, what: 'allocations on the server' });
    core.sendError(link, M, ERR_INSUFFICIENT_CAPACITY, key);
    return;
  }
  if ((core.perParticipant.get(restApiParticipant(username)) ?? 0) >= core.config.maxAllocationsPerParticipant) {
    core.stats.quotaRejections++;
    core.onEvent({ type: 'quota', username, what: 'allocations per participant' });
    core.sendError(link, M, ERR_ALLOCATION_QUOTA, key);
    return;
  }
  const lifetime = core.lifetimeFor(at.lifetime) || core.config.defaultLifetimeS;
  const even = at.evenPort >= 0;
  const withFingerprint = v.fingerprint >= 0;
  const a = new Allocation(link.keep(), username, key, family);
  for (let i = 0; i < 12; i++) a.allocateTx[i] = v.buf[v.transactionId + i];
  core.addAllocation(a);
  core.relays.open(family, even, (buf, len, address, port) => core.handlePeer(a, buf, len, address, port)).then(
    (relay) => finishAllocate(core, a, relay, lifetime, withFingerprint),
    () => finishAllocate(core, a, null, lifetime, withFingerprint),
  );
}

function finishAllocate(core: TurnCore, a: Allocation, relay: Allocation['relay'], lifetime: number, withFingerprint: boolean): void {
  if (a.closed) { relay?.close(); return; }
  const link = a.link, b = core.builder;
  const out = link.acquire(256);
  if (!relay) {
    core.stats.relayBindFailures++;
    core.closeAllocation(a, 'deleted');
    core.stats.errors[ERR_INSUFFICIENT_CAPACITY] = (core.stats.errors[ERR_INSUFFICIENT_CAPACITY] ?? 0) + 1;
    if (!out) return;
    b.begin(out, 0, messageType(METHOD_ALLOCATE, CLASS_ERROR), a.allocateTx, 0)
      .errorCode(ERR_INSUFFICIENT_CAPACITY, REASONS[ERR_INSUFFICIENT_CAPACITY]);
  } else {
    a.relay = relay;
    core.nowMs = core.now();
    a.expiresAt = core.nowMs + lifetime * 1000;
    core.stats.allocationsCreated++;
    core.stats.successes++;
    core.onEvent({ type: 'allocated', username: a.username, client: `${link.transport}:${link.address}:${link.port}`, relay: `${relay.address}:${relay.port}`, lifetimeS: lifetime });
    if (!out) return;
    b.begin(out, 0, messageType(METHOD_ALLOCATE, CLASS_SUCCESS), a.allocateTx, 0)
      .xorAddressText(ATTR_XOR_RELAYED_ADDRESS, relay.address, relay.port)
      .u32(ATTR_LIFETIME, lifetime)
      .xorAddressText(ATTR_XOR_MAPPED_ADDRESS, link.address, link.port);
  }
  if (core.config.software) b.text(ATTR_SOFTWARE, core.config.software);
  b.integrity(a.key);
  if (withFingerprint) b.fingerprint();
  const n = b.end();
  if (n === 0) return;
  if (relay) a.allocateResponse = Buffer.from(out.subarray(0, n));
  link.commit(n);
}
