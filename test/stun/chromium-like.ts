// A Binding request laid out the way Chromium sends its ICE checks to an ice-lite server
// (attribute order USERNAME, GOOG-NETWORK-INFO 0xC057, ICE-CONTROLLING, USE-CANDIDATE,
// PRIORITY, MESSAGE-INTEGRITY, FINGERPRINT; 4-char client ufrag): 112 bytes. Shared by
// the fuzz targets and the micro-benchmarks.
import {
  ATTR_ICE_CONTROLLING, ATTR_PRIORITY, ATTR_USE_CANDIDATE, ATTR_USERNAME, BINDING_REQUEST, HmacSha1, StunBuilder,
} from '../../src/stun/index.js';

export const SERVER = { ufrag: 'Sw1tchb0ardUfrag', pwd: 'sw1tchb0ardServerPassw0rd' };
export const CLIENT = { ufrag: 'Xk3q', pwd: 'clientSidePasswordIs24ch' };

export function chromiumLikeRequest(tx = Buffer.from('6a4f7c2e91d03b5a0c8e1f27', 'hex'), useCandidate = true): Buffer {
  const out = Buffer.alloc(200);
  const b = new StunBuilder().begin(out, 0, BINDING_REQUEST, tx, 0)
    .text(ATTR_USERNAME, `${SERVER.ufrag}:${CLIENT.ufrag}`)
    .bytes(0xc057, Buffer.from([0x00, 0x01, 0x00, 0x0a]))
    .u64(ATTR_ICE_CONTROLLING, 0x8d1f2a3b, 0x4c5d6e7f);
  if (useCandidate) b.flag(ATTR_USE_CANDIDATE);
  const n = b.u32(ATTR_PRIORITY, 0x6e7f1eff).integrity(new HmacSha1(Buffer.from(SERVER.pwd))).fingerprint().end();
  return out.subarray(0, n);
}
