// The State Cookie (RFC 9260 §5.1.3): everything needed to build the association when
// COOKIE ECHO comes back, so an INIT costs us no state (SYN-flood resistance). Signed
// with HMAC-SHA256 (truncated to 16 bytes) under a per-endpoint secret; verified in
// constant time and refused once older than the cookie lifetime.
//
//  0  version=1 | flags (1 fwd-tsn, 2 re-config) | reserved(2)
//  4  local initiate tag        8  local initial TSN
// 12  peer initiate tag        16  peer a_rwnd
// 20  peer outbound streams(2) 22  peer inbound streams(2)
// 24  peer initial TSN         28  created at, ms (float64)
// 36  local port(2)            38  peer port(2)
// 40  HMAC-SHA256(key, bytes 0..39)[0..15]
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Drop } from './constants.js';
import type { InitFields } from './chunks/init.js';

export const COOKIE_LENGTH = 56;
const SIGNED = 40;

export interface CookieState {
  localTag: number;
  localInitialTsn: number;
  peerTag: number;
  peerRwnd: number;
  peerOutboundStreams: number;
  peerInboundStreams: number;
  peerInitialTsn: number;
  forwardTsn: boolean;
  reconfig: boolean;
  createdAt: number;
  localPort: number;
  peerPort: number;
}

export function makeCookie(
  key: Buffer, localTag: number, localInitialTsn: number, peer: InitFields, now: number, localPort: number, peerPort: number,
): Buffer {
  const c = Buffer.alloc(COOKIE_LENGTH);
  c[0] = 1;
  c[1] = (peer.forwardTsn ? 1 : 0) | (peer.reconfig ? 2 : 0);
  c.writeUInt32BE(localTag >>> 0, 4);
  c.writeUInt32BE(localInitialTsn >>> 0, 8);
  c.writeUInt32BE(peer.initiateTag >>> 0, 12);
  c.writeUInt32BE(peer.rwnd >>> 0, 16);
  c.writeUInt16BE(peer.outboundStreams, 20);
  c.writeUInt16BE(peer.inboundStreams, 22);
  c.writeUInt32BE(peer.initialTsn >>> 0, 24);
  c.writeDoubleBE(now, 28);
  c.writeUInt16BE(localPort, 36);
  c.writeUInt16BE(peerPort, 38);
  createHmac('sha256', key).update(c.subarray(0, SIGNED)).digest().copy(c, SIGNED, 0, 16);
  return c;
}

/** Verifies the cookie at buf[off, off+len) and fills `out`. Returns a Drop code. */
export function openCookie(key: Buffer, buf: Buffer, off: number, len: number, now: number, lifetimeMs: number, out: CookieState): number {
  if (len !== COOKIE_LENGTH || buf[off] !== 1) return Drop.BadCookie;
  const mac = createHmac('sha256', key).update(buf.subarray(off, off + SIGNED)).digest().subarray(0, 16);
  if (!timingSafeEqual(mac, buf.subarray(off + SIGNED, off + COOKIE_LENGTH))) return Drop.BadCookie;
  const createdAt = buf.readDoubleBE(off + 28);
  // A cookie from the future or older than its lifetime is stale (§5.1.5 step 3).
  if (!(now - createdAt <= lifetimeMs) || createdAt > now + 1000) return Drop.BadCookie;
  out.forwardTsn = (buf[off + 1] & 1) !== 0;
  out.reconfig = (buf[off + 1] & 2) !== 0;
  out.localTag = buf.readUInt32BE(off + 4);
  out.localInitialTsn = buf.readUInt32BE(off + 8);
  out.peerTag = buf.readUInt32BE(off + 12);
  out.peerRwnd = buf.readUInt32BE(off + 16);
  out.peerOutboundStreams = buf.readUInt16BE(off + 20);
  out.peerInboundStreams = buf.readUInt16BE(off + 22);
  out.peerInitialTsn = buf.readUInt32BE(off + 24);
  out.createdAt = createdAt;
  out.localPort = buf.readUInt16BE(off + 36);
  out.peerPort = buf.readUInt16BE(off + 38);
  return Drop.None;
}

export function emptyCookieState(): CookieState {
  return {
    localTag: 0, localInitialTsn: 0, peerTag: 0, peerRwnd: 0, peerOutboundStreams: 0, peerInboundStreams: 0,
    peerInitialTsn: 0, forwardTsn: false, reconfig: false, createdAt: 0, localPort: 0, peerPort: 0,
  };
}
