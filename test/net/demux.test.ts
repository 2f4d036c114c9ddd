import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PacketKind, classify } from '../../src/net/index.js';

const pkt = (b0: number, b1 = 0, len = 64) => {
  const b = Buffer.alloc(len);
  b[0] = b0;
  b[1] = b1;
  return b;
};

// RFC 7983 §7 ranges, checked at every boundary.
const table: [string, number, number, number, PacketKind][] = [
  ['STUN 0x00', 0x00, 0x01, 20, PacketKind.Stun],
  ['STUN 0x03', 0x03, 0x00, 20, PacketKind.Stun],
  ['STUN too short', 0x00, 0x01, 19, PacketKind.Unknown],
  ['ZRTP 16 dropped', 16, 0, 64, PacketKind.Unknown],
  ['19 dropped', 19, 0, 64, PacketKind.Unknown],
  ['DTLS 20 (change_cipher_spec)', 20, 0xfe, 64, PacketKind.Dtls],
  ['DTLS 22 (handshake)', 22, 0xfe, 64, PacketKind.Dtls],
  ['DTLS 63', 63, 0, 64, PacketKind.Dtls],
  ['DTLS too short', 22, 0xfe, 12, PacketKind.Unknown],
  ['TURN channel 64 dropped', 64, 0, 64, PacketKind.Unknown],
  ['79 dropped', 79, 0, 64, PacketKind.Unknown],
  ['127 dropped', 127, 0, 64, PacketKind.Unknown],
  ['RTP 0x80 PT 111', 0x80, 111, 64, PacketKind.Rtp],
  ['RTP marker + PT 96', 0x80, 0x80 | 96, 64, PacketKind.Rtp],
  ['RTP 191', 191, 96, 64, PacketKind.Rtp],
  ['RTP too short', 0x80, 111, 11, PacketKind.Unknown],
  ['RTCP SR 200', 0x80, 200, 28, PacketKind.Rtcp],
  ['RTCP 192 (first RTCP-ish value)', 0x80, 192, 8, PacketKind.Rtcp],
  ['RTCP 223', 0x81, 223, 8, PacketKind.Rtcp],
  ['RTP PT 224 is not RTCP', 0x80, 224, 64, PacketKind.Rtp],
  ['RTCP too short', 0x80, 201, 7, PacketKind.Unknown],
  ['192 dropped', 192, 0, 64, PacketKind.Unknown],
  ['255 dropped', 255, 0, 64, PacketKind.Unknown],
];

for (const [name, b0, b1, len, want] of table) {
  test(`classify: ${name}`, () => {
    assert.is(classify(pkt(b0, b1, len), len), want);
  });
}

test('classify: empty datagram', () => {
  assert.is(classify(Buffer.alloc(0), 0), PacketKind.Unknown);
});

test.run();
