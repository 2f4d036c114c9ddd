// The baselines' publisher: the same fixture packets (same sizes, timing, abs-capture-time
// send stamp) from one UDP socket, plain RTP or SRTP with an SDES key.
import { createSocket, type Socket } from 'node:dgram';
import { NTP_UNIX_OFFSET_MS } from '../../src/client/index.js';
import { SrtpContext } from '../../src/srtp/index.js';
import type { Fixture } from './fixture.js';

export class PlainSender {
  socket: Socket = createSocket({ type: 'udp4' });
  sent = 0;
  bytes = 0;
  #k = 0;
  #start = 0;
  #rate = 0;
  readonly #buf = Buffer.allocUnsafe(1600);
  constructor(readonly fixture: Fixture, readonly port: number, readonly ssrc: number, readonly absId: number, readonly srtp?: SrtpContext) {}

  start(now: number, rate: number): void { this.#start = now; this.#rate = rate; }

  #due(k: number): number {
    if (this.#rate > 0) return this.#start + (k * 1000) / this.#rate;
    const f = this.fixture, n = f.packets.length;
    return this.#start + (Math.floor(k / n) * f.durationUs + f.packets[k % n]!.offsetUs) / 1000;
  }

  poll(now: number): void {
    for (let i = 0; i < 4096 && this.#due(this.#k) <= now; i++) this.#send(this.#k++);
  }

  #send(k: number): void {
    const f = this.fixture, n = f.packets.length, p = f.packets[k % n]!;
    // A fresh buffer per packet: dgram.send keeps it until sent (baseline side, not measured).
    const b = Buffer.allocUnsafe(28 + p.payload.length + 10);
    b[0] = this.absId > 0 ? 0x90 : 0x80; b[1] = (p.marker ? 0x80 : 0) | 111;
    b.writeUInt16BE(k & 0xffff, 2);
    b.writeUInt32BE((Math.floor(k / n) * f.tsSpan + ((p.ts - f.packets[0]!.ts) >>> 0)) >>> 0, 4);
    b.writeUInt32BE(this.ssrc >>> 0, 8);
    let o = 12;
    if (this.absId > 0) {
      b[12] = 0xbe; b[13] = 0xde; b[14] = 0; b[15] = 3;
      const ms = performance.timeOrigin + performance.now() + NTP_UNIX_OFFSET_MS;
      const sec = Math.floor(ms / 1000);
      b[16] = (this.absId << 4) | 7;
      b.writeUInt32BE(sec >>> 0, 17);
      b.writeUInt32BE(Math.floor(((ms - sec * 1000) / 1000) * 4294967296) >>> 0, 21);
      b[25] = 0; b[26] = 0; b[27] = 0;
      o = 28;
    }
    p.payload.copy(b, o);
    let len = o + p.payload.length;
    if (this.srtp) len = this.srtp.protectRtp(b, len);
    this.socket.send(b, 0, len, this.port, '127.0.0.1');
    this.sent++;
    this.bytes += len;
  }

  close(): void { try { this.socket.close(); } catch { /* closed */ } }
}
