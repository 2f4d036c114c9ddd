// Cross-check against an independent implementation: werift-rtp's SrtpSession and
// SrtcpSession (AES_CM_128_HMAC_SHA1_80 and AEAD_AES_128_GCM, the profiles it has).
// werift protects, we unprotect; we protect, werift unprotects; across a rollover.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { RtpPacket, SrtcpSession, SrtpSession } from 'werift-rtp';
import { SrtpContext, srtpProfileInfo, SrtpProfile, splitKeyingMaterial } from '../../src/srtp/index.js';

/** An RTP packet: 12-byte header (optionally with CSRCs and an extension) and payload. */
function rtp(seq: number, ssrc: number, payloadLen: number, opts: { csrc?: number; ext?: boolean } = {}): Buffer {
  const cc = opts.csrc ?? 0;
  const ext = opts.ext ? 8 : 0;
  const b = randomBytes(12 + cc * 4 + ext + payloadLen);
  b[0] = 0x80 | (opts.ext ? 0x10 : 0) | cc;
  b[1] = 111;
  b.writeUInt16BE(seq, 2);
  b.writeUInt32BE((seq * 960) >>> 0, 4);
  b.writeUInt32BE(ssrc >>> 0, 8);
  if (opts.ext) {
    const p = 12 + cc * 4;
    b.writeUInt16BE(0xbede, p);
    b.writeUInt16BE(1, p + 2);
    b.writeUInt32BE(0x10ff0000, p + 4); // one-byte extension id 1, len 1, then padding
  }
  return b;
}

/** An RTCP receiver report (PT 201) of `blocks` report blocks. */
function rtcp(ssrc: number, blocks: number): Buffer {
  const b = randomBytes(8 + blocks * 24);
  b[0] = 0x80 | blocks;
  b[1] = 201;
  b.writeUInt16BE(b.length / 4 - 1, 2);
  b.writeUInt32BE(ssrc >>> 0, 4);
  return b;
}

const seqs = [65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3, 4, 5];

for (const profile of [SrtpProfile.AES128_CM_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM]) {
  const info = srtpProfileInfo(profile);
  const material = randomBytes(info.keyingMaterialLength);
  const server = splitKeyingMaterial(profile, material, 'server');
  const client = splitKeyingMaterial(profile, material, 'client');

  test(`${info.name}: werift protects RTP across the 65535 -> 0 wrap, we unprotect`, () => {
    const w = new SrtpSession({ keys: client, profile: profile as 1 | 7 });
    const rx = new SrtpContext(profile, server.remoteMasterKey, server.remoteMasterSalt);
    const ssrc = 0xdeadbeef;
    for (const [i, seq] of seqs.entries()) {
      const plain = rtp(seq, ssrc, 20 + i * 37, i % 3 === 0 ? { csrc: 2 } : {});
      const pkt = RtpPacket.deSerialize(plain);
      assert.equal(pkt.serialize(), plain, 'werift reserialises our header unchanged');
      const wire = w.encrypt(pkt.payload, pkt.header);
      assert.is(wire.length, plain.length + info.rtpTagLength);
      const buf = Buffer.from(wire);
      const n = rx.unprotectRtp(buf, buf.length);
      assert.is(n, plain.length, `seq ${seq}: status ${n}`);
      assert.equal(buf.subarray(0, n), plain);
    }
    assert.is(rx.rolloverCounter(ssrc), 1);
    assert.is(rx.stats.rtpUnprotected, seqs.length);
    assert.is(rx.stats.authFailures, 0);
  });

  test(`${info.name}: we protect RTP across the wrap (with CSRCs and extensions), werift unprotects`, () => {
    const w = new SrtpSession({ keys: client, profile: profile as 1 | 7 });
    const tx = new SrtpContext(profile, server.localMasterKey, server.localMasterSalt);
    const ssrc = 0x12345678;
    for (const [i, seq] of seqs.entries()) {
      const plain = rtp(seq, ssrc, 1 + i * 53, { csrc: i % 2, ext: i % 4 === 1 });
      const buf = Buffer.alloc(plain.length + 16);
      plain.copy(buf);
      const n = tx.protectRtp(buf, plain.length);
      assert.is(n, plain.length + info.rtpTagLength);
      const dec = w.decrypt(buf.subarray(0, n));
      assert.equal(Buffer.from(dec), plain, `seq ${seq}`);
    }
    assert.is(tx.rolloverCounter(ssrc), 1);
  });

  test(`${info.name}: SRTCP both ways`, () => {
    const w = new SrtcpSession({ keys: client, profile: profile as 1 | 7 });
    const rx = new SrtpContext(profile, server.remoteMasterKey, server.remoteMasterSalt);
    const tx = new SrtpContext(profile, server.localMasterKey, server.localMasterSalt);
    for (let i = 0; i < 20; i++) {
      const plain = rtcp(0xcafe0000 + (i % 3), i % 5);
      // werift -> us
      const wire = Buffer.from(w.encrypt(plain));
      assert.is(wire.length, plain.length + info.rtcpTrailerLength);
      assert.ok(wire[wire.length - (profile === 1 ? 14 : 4)] & 0x80, 'E flag set by werift');
      const n = rx.unprotectRtcp(wire, wire.length);
      assert.is(n, plain.length, `packet ${i}: status ${n}`);
      assert.equal(wire.subarray(0, n), plain);
      // us -> werift
      const buf = Buffer.alloc(plain.length + 20);
      plain.copy(buf);
      const m = tx.protectRtcp(buf, plain.length);
      assert.is(m, plain.length + info.rtcpTrailerLength);
      assert.equal(Buffer.from(w.decrypt(buf.subarray(0, m))), plain);
    }
    assert.is(rx.stats.rtcpUnprotected, 20);
  });

  test(`${info.name}: werift rejects our packet with one flipped bit, we reject werift's`, () => {
    const w = new SrtpSession({ keys: client, profile: profile as 1 | 7 });
    const tx = new SrtpContext(profile, server.localMasterKey, server.localMasterSalt);
    const plain = rtp(100, 0x0badf00d, 88);
    const buf = Buffer.alloc(plain.length + 16);
    plain.copy(buf);
    const n = tx.protectRtp(buf, plain.length);
    buf[20] ^= 0x04;
    assert.throws(() => w.decrypt(buf.subarray(0, n)));

    const w2 = new SrtpSession({ keys: client, profile: profile as 1 | 7 });
    const rx = new SrtpContext(profile, server.remoteMasterKey, server.remoteMasterSalt);
    const pkt = RtpPacket.deSerialize(rtp(7, 0x0badf00d, 88));
    const wire = Buffer.from(w2.encrypt(pkt.payload, pkt.header));
    wire[wire.length - 1] ^= 0x80;
    assert.is(rx.unprotectRtp(wire, wire.length), -3);
    assert.is(rx.stats.authFailures, 1);
  });
}

test.run();
