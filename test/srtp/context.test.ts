// SrtpContext behaviour: replay and window, tampering, truncation, wrong keys, SSRC
// limit, ROC estimation across the wrap with reordering, headroom, keying material.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import {
  createSrtpContexts, SrtpConfigError, SrtpContext, SrtpProfile, SrtpStatus, SUPPORTED_SRTP_PROFILES,
  splitKeyingMaterial, srtpProfileInfo,
} from '../../src/srtp/index.js';
import { estimateRtpIndex } from '../../src/srtp/replay-window.js';

function rtp(seq: number, ssrc: number, payloadLen = 88): Buffer {
  const b = randomBytes(12 + payloadLen);
  b[0] = 0x80; b[1] = 111;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE(ssrc >>> 0, 8);
  return b;
}

function pair(profile: number, opts = {}) {
  const p = srtpProfileInfo(profile);
  const key = randomBytes(p.keyLength);
  const salt = randomBytes(p.saltLength);
  return { tx: new SrtpContext(profile, key, salt, opts), rx: new SrtpContext(profile, key, salt, opts), p };
}

/** Protects a copy of `plain` and returns the wire bytes. */
function protect(tx: SrtpContext, plain: Buffer): Buffer {
  const buf = Buffer.alloc(plain.length + 20);
  plain.copy(buf);
  const n = tx.protectRtp(buf, plain.length);
  assert.ok(n > 0, `protect status ${n}`);
  return buf.subarray(0, n);
}

function unprotect(rx: SrtpContext, wire: Buffer): number {
  const b = Buffer.from(wire);
  return rx.unprotectRtp(b, b.length);
}

for (const profile of SUPPORTED_SRTP_PROFILES) {
  const name = srtpProfileInfo(profile).name;

  test(`${name}: replayed packet rejected and counted; valid packets still pass`, () => {
    const { tx, rx } = pair(profile);
    const a = protect(tx, rtp(10, 1));
    const b = protect(tx, rtp(11, 1));
    assert.is(unprotect(rx, a), 100);
    assert.is(unprotect(rx, a), SrtpStatus.REPLAYED);
    assert.is(unprotect(rx, b), 100);
    assert.is(unprotect(rx, b), SrtpStatus.REPLAYED);
    assert.is(rx.stats.replayed, 2);
    assert.is(unprotect(rx, protect(tx, rtp(12, 1))), 100);
  });

  test(`${name}: packet older than the window rejected, inside the window accepted out of order`, () => {
    const { tx, rx } = pair(profile, { replayWindow: 64 });
    const pkts = [];
    for (let s = 0; s < 200; s++) pkts.push(protect(tx, rtp(s, 2)));
    assert.is(unprotect(rx, pkts[199]), 100);
    assert.is(unprotect(rx, pkts[100]), SrtpStatus.TOO_OLD); // 99 behind with a 64 window
    assert.is(unprotect(rx, pkts[136]), 100); // 63 behind: inside
    assert.is(unprotect(rx, pkts[135]), SrtpStatus.TOO_OLD); // 64 behind: outside
    assert.is(unprotect(rx, pkts[150]), 100);
    assert.is(unprotect(rx, pkts[150]), SrtpStatus.REPLAYED);
    assert.is(rx.stats.tooOld, 2);
    assert.is(rx.stats.replayed, 1);
  });

  test(`${name}: tampered header, payload or tag rejected without touching the window`, () => {
    const { tx, rx, p } = pair(profile);
    const wire = protect(tx, rtp(500, 3));
    for (const at of [1, 3, 9, 12, 40, wire.length - p.rtpTagLength, wire.length - 1]) {
      const bad = Buffer.from(wire);
      bad[at] ^= 0x01;
      assert.is(unprotect(rx, bad), SrtpStatus.AUTH_FAILED, `flip at ${at}`);
    }
    assert.is(rx.stats.authFailures, 7);
    assert.is(rx.rtpSsrcCount, 0, 'no state for an SSRC that never authenticated');
    assert.is(unprotect(rx, wire), 100, 'the genuine packet still passes after the forgeries');
  });

  test(`${name}: truncated packets rejected cleanly`, () => {
    const { tx, rx, p } = pair(profile);
    const wire = protect(tx, rtp(7, 4));
    for (let n = 0; n < wire.length; n++) {
      const b = Buffer.from(wire.subarray(0, n));
      const r = rx.unprotectRtp(b, n);
      assert.ok(r < 0, `length ${n} gave ${r}`);
    }
    assert.ok(rx.stats.tooShort >= 12 + p.rtpTagLength);
    assert.is(unprotect(rx, wire), 100);
  });

  test(`${name}: wrong key rejected`, () => {
    const { tx } = pair(profile);
    const { rx } = pair(profile);
    assert.is(unprotect(rx, protect(tx, rtp(1, 5))), SrtpStatus.AUTH_FAILED);
  });

  test(`${name}: SRTCP replay, tamper, truncation`, () => {
    const { tx, rx, p } = pair(profile);
    const plain = randomBytes(52);
    plain[0] = 0x81; plain[1] = 200; plain.writeUInt16BE(12, 2);
    const buf = Buffer.alloc(80);
    plain.copy(buf);
    const n = tx.protectRtcp(buf, 52);
    assert.is(n, 52 + p.rtcpTrailerLength);
    const wire = Buffer.from(buf.subarray(0, n));
    const bad = Buffer.from(wire); bad[20] ^= 0x80;
    assert.is(rx.unprotectRtcp(bad, n), SrtpStatus.AUTH_FAILED);
    const idx = Buffer.from(wire); idx[n - (p.aead ? 1 : 11)] ^= 1; // change the index
    assert.is(rx.unprotectRtcp(idx, n), SrtpStatus.AUTH_FAILED);
    for (let k = 0; k < n; k++) assert.ok(rx.unprotectRtcp(Buffer.from(wire.subarray(0, k)), k) < 0);
    const ok = Buffer.from(wire);
    assert.is(rx.unprotectRtcp(ok, n), 52);
    assert.equal(ok.subarray(0, 52), plain);
    assert.is(rx.unprotectRtcp(Buffer.from(wire), n), SrtpStatus.REPLAYED);
    // A second packet with the next index passes.
    plain.copy(buf);
    const m = tx.protectRtcp(buf, 52);
    assert.is(rx.unprotectRtcp(buf, m), 52);
    assert.is(rx.stats.rtcpUnprotected, 2);
  });

  test(`${name}: ROC across the wrap with reordering near it`, () => {
    const { tx, rx } = pair(profile);
    const ssrc = 0x80000001; // high bit set: keys as negative int32 must work
    const order = [65530, 65531, 65533, 65532, 0, 65534, 2, 65535, 1, 3, 4];
    const wires = new Map<number, Buffer>();
    for (const s of [65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3, 4]) wires.set(s, protect(tx, rtp(s, ssrc)));
    assert.is(tx.rolloverCounter(ssrc), 1);
    for (const s of order) assert.is(unprotect(rx, wires.get(s)!), 100, `seq ${s}`);
    assert.is(rx.rolloverCounter(ssrc), 1);
    // A packet protected with ROC 1 but arriving far later still decodes (seq jumps 30000).
    const far = protect(tx, rtp(30000, ssrc));
    assert.is(unprotect(rx, far), 100);
    // Old-ROC duplicates near the wrap are replays, not new packets.
    assert.is(unprotect(rx, wires.get(65534)!), SrtpStatus.TOO_OLD);
  });
}

test('ROC estimate follows RFC 3711 Appendix A', () => {
  assert.is(estimateRtpIndex(0, 100, 101), 101);
  assert.is(estimateRtpIndex(0, 65535, 0), 65536);
  assert.is(estimateRtpIndex(1, 2, 65534), 65534); // late packet from ROC 0
  assert.is(estimateRtpIndex(0, 2, 65534), 65534); // ROC 0 has no ROC -1: read as a jump
  assert.is(estimateRtpIndex(3, 40000, 100), 4 * 65536 + 100);
  assert.is(estimateRtpIndex(3, 40000, 7233), 3 * 65536 + 7233); // exactly s_l - 32767
});

test('SSRC limit: new SSRCs beyond maxSsrcs are rejected and counted, known ones pass', () => {
  const { tx, rx } = pair(SrtpProfile.AES128_CM_HMAC_SHA1_80, { maxSsrcs: 4 });
  const tx2 = new SrtpContext(SrtpProfile.AES128_CM_HMAC_SHA1_80, randomBytes(16), randomBytes(14), { maxSsrcs: 100 });
  for (let s = 1; s <= 4; s++) assert.is(unprotect(rx, protect(tx, rtp(1, s))), 100);
  assert.is(rx.rtpSsrcCount, 4);
  // Forged packets of new SSRCs cannot take slots: they fail auth before allocation.
  rx.removeSsrc(4);
  for (let s = 100; s < 110; s++) assert.is(unprotect(rx, protect(tx2, rtp(1, s))), SrtpStatus.AUTH_FAILED);
  assert.is(rx.rtpSsrcCount, 3);
  assert.is(unprotect(rx, protect(tx, rtp(1, 4))), 100);
  assert.is(unprotect(rx, protect(tx2, rtp(1, 5))), SrtpStatus.SSRC_LIMIT);
  assert.is(rx.stats.unknownSsrcOverLimit, 1);
  assert.is(unprotect(rx, protect(tx, rtp(2, 1))), 100);
});

test('protect needs headroom: NO_ROOM without it, packet untouched', () => {
  for (const profile of SUPPORTED_SRTP_PROFILES) {
    const { tx, p } = pair(profile);
    const plain = rtp(1, 9);
    const buf = Buffer.from(plain); // no room at all
    assert.is(tx.protectRtp(buf, buf.length), SrtpStatus.NO_ROOM);
    assert.equal(buf, plain);
    const rt = Buffer.alloc(40); rt[0] = 0x80; rt[1] = 200;
    assert.is(tx.protectRtcp(rt, 40 - p.rtcpTrailerLength + 1), SrtpStatus.NO_ROOM);
    assert.is(tx.protectRtcp(rt, 40 - p.rtcpTrailerLength), 40);
    assert.is(tx.stats.noRoom, 2);
  }
});

test('works on a subarray of a larger slab and touches nothing outside it', () => {
  const { tx, rx } = pair(SrtpProfile.AES128_CM_HMAC_SHA1_80);
  const slab = Buffer.alloc(4096, 0xaa);
  const plain = rtp(42, 77);
  const view = slab.subarray(1000, 1000 + plain.length + 10);
  plain.copy(view);
  const n = tx.protectRtp(view, plain.length);
  assert.is(n, plain.length + 10);
  assert.is(slab[999], 0xaa);
  assert.is(slab[1000 + n], 0xaa);
  assert.is(rx.unprotectRtp(view, n), plain.length);
  assert.equal(view.subarray(0, plain.length), plain);
});

test('malformed headers: version, CSRC count or extension longer than the packet', () => {
  const { tx, rx } = pair(SrtpProfile.AEAD_AES_128_GCM);
  const wire = Buffer.from(protect(tx, rtp(1, 1, 10)));
  const v1 = Buffer.from(wire); v1[0] = 0x40;
  assert.is(rx.unprotectRtp(v1, v1.length), SrtpStatus.MALFORMED);
  const cc = Buffer.from(wire); cc[0] = 0x8f; // 15 CSRCs = 60 bytes > packet
  assert.is(rx.unprotectRtp(cc, cc.length), SrtpStatus.MALFORMED);
  const x = Buffer.from(wire); x[0] = 0x90; x.writeUInt16BE(0xffff, 14);
  assert.is(rx.unprotectRtp(x, x.length), SrtpStatus.MALFORMED);
  assert.is(rx.stats.malformed, 3);
  assert.is(rx.unprotectRtp(wire, wire.length), 22);
});

test('keying material split (RFC 5764 §4.2) and profile table', () => {
  const lengths: Record<number, [number, number, number, number]> = {
    [SrtpProfile.AES128_CM_HMAC_SHA1_80]: [60, 16, 14, 10],
    [SrtpProfile.AES128_CM_HMAC_SHA1_32]: [60, 16, 14, 4],
    [SrtpProfile.AEAD_AES_128_GCM]: [56, 16, 12, 16],
    [SrtpProfile.AEAD_AES_256_GCM]: [88, 32, 12, 16],
  };
  for (const [id, [km, k, s, tag]] of Object.entries(lengths)) {
    const p = srtpProfileInfo(Number(id));
    assert.equal([p.keyingMaterialLength, p.keyLength, p.saltLength, p.rtpTagLength], [km, k, s, tag]);
    const m = Buffer.alloc(km);
    for (let i = 0; i < km; i++) m[i] = i;
    const c = splitKeyingMaterial(p.id, m, 'client');
    const sv = splitKeyingMaterial(p.id, m, 'server');
    assert.equal(c.localMasterKey, m.subarray(0, k));
    assert.equal(c.remoteMasterKey, m.subarray(k, 2 * k));
    assert.equal(c.localMasterSalt, m.subarray(2 * k, 2 * k + s));
    assert.equal(c.remoteMasterSalt, m.subarray(2 * k + s, km));
    assert.equal(sv.localMasterKey, c.remoteMasterKey);
    assert.equal(sv.remoteMasterSalt, c.localMasterSalt);
    assert.throws(() => splitKeyingMaterial(p.id, m.subarray(1), 'client'), (e: unknown) => e instanceof SrtpConfigError && e.code === 'SRTP_BAD_KEYING_MATERIAL');
  }
  assert.equal([SrtpProfile.AES128_CM_HMAC_SHA1_80, SrtpProfile.AES128_CM_HMAC_SHA1_32, SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AEAD_AES_256_GCM], [1, 2, 7, 8]);
  assert.is(srtpProfileInfo(2).rtcpTagLength, 10, 'SRTCP keeps the 80-bit tag on _32');
  assert.throws(() => srtpProfileInfo(3), (e: unknown) => e instanceof SrtpConfigError && e.code === 'SRTP_UNKNOWN_PROFILE');
  assert.throws(() => new SrtpContext(1, randomBytes(15), randomBytes(14)), (e: unknown) => e instanceof SrtpConfigError && e.code === 'SRTP_BAD_KEY_LENGTH');
  assert.throws(() => new SrtpContext(1, randomBytes(16), randomBytes(14), { replayWindow: 32 }), (e: unknown) => e instanceof SrtpConfigError && e.code === 'SRTP_BAD_OPTION');
});

test('JS and node:crypto paths are interchangeable, and both reject tampering', () => {
  for (const profile of SUPPORTED_SRTP_PROFILES) {
    const p = srtpProfileInfo(profile);
    const key = randomBytes(p.keyLength);
    const salt = randomBytes(p.saltLength);
    const js = { nativeCryptoMinPayload: Infinity };
    const native = { nativeCryptoMinPayload: 0 };
    for (const [txo, rxo] of [[js, native], [native, js], [native, native]]) {
      const tx = new SrtpContext(profile, key, salt, txo);
      const rx = new SrtpContext(profile, key, salt, rxo);
      for (let i = 0; i < 30; i++) {
        const plain = rtp(65520 + i, 0xabc, (i * 61) % 1400);
        const wire = protect(tx, plain);
        const bad = Buffer.from(wire);
        bad[12 + ((i * 7) % (bad.length - 12))] ^= 0x10;
        assert.is(unprotect(rx, bad), SrtpStatus.AUTH_FAILED, `${p.name} tampered #${i}`);
        const b = Buffer.from(wire);
        assert.is(rx.unprotectRtp(b, b.length), plain.length, `${p.name} #${i}`);
        assert.equal(b.subarray(0, plain.length), plain);
      }
      assert.is(rx.rolloverCounter(0xabc), 1);
    }
  }
});

test('createSrtpContexts pairs two endpoints; close() keeps packets flowing in JS', () => {
  for (const profile of SUPPORTED_SRTP_PROFILES) {
    const material = randomBytes(srtpProfileInfo(profile).keyingMaterialLength);
    const client = createSrtpContexts(profile, material, 'client');
    const server = createSrtpContexts(profile, material, 'server');
    assert.is(unprotect(server.rx, protect(client.tx, rtp(1, 10))), 100);
    assert.is(unprotect(client.rx, protect(server.tx, rtp(1, 11))), 100);
    assert.is(unprotect(client.rx, protect(client.tx, rtp(2, 12))), SrtpStatus.AUTH_FAILED, 'directions use different keys');
    client.tx.close();
    client.tx.close();
    server.rx.close();
    assert.is(server.rx.rtpSsrcCount, 0);
    assert.is(unprotect(server.rx, protect(client.tx, rtp(3, 10))), 100);
  }
});

test('a len beyond the buffer is refused (MALFORMED), not read past', () => {
  const { tx, rx } = pair(SrtpProfile.AES128_CM_HMAC_SHA1_80);
  const wire = protect(tx, rtp(1, 1));
  assert.is(rx.unprotectRtp(Buffer.from(wire), wire.length + 1), SrtpStatus.MALFORMED);
  assert.is(rx.unprotectRtcp(Buffer.from(wire), wire.length + 1), SrtpStatus.MALFORMED);
  assert.is(tx.protectRtp(Buffer.alloc(20, 0x80), 21), SrtpStatus.MALFORMED);
  assert.is(tx.protectRtcp(Buffer.alloc(20, 0x80), 21), SrtpStatus.MALFORMED);
  assert.is(rx.unprotectRtp(Buffer.from(wire), wire.length), 100);
});

test.run();
