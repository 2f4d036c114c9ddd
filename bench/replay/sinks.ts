// Receivers for the baselines: N plain UDP sockets on 127.0.0.1 that count packets and
// read the RTP header of each (seq: loss/reordering; abs-capture-time: latency). With
// `decrypt` (mediasoup's SRTP sinks) every packet of sink 0 is authenticated and decrypted.
import { createSocket, type Socket } from 'node:dgram';
import { RtpView, RtpStatus, readAbsCaptureTimeMs } from '../../src/rtp/index.js';
import { SrtpContext } from '../../src/srtp/index.js';
import { TrackReceiveStats } from '../../src/client/index.js';

const view = new RtpView();

export class Sink {
  readonly stats: TrackReceiveStats;
  socket!: Socket;
  bytes = 0;
  reordered = 0;
  decrypted = 0;
  decryptFailed = 0;
  #maxSeq = -1;
  constructor(readonly absId: number, public srtp?: SrtpContext) {
    this.stats = new TrackReceiveStats({ ssrc: 0, trackSid: '', publisherSid: '', clockRate: 48000, absCaptureTimeId: absId, audioLevelId: 0 });
  }

  async bind(port = 0): Promise<number> {
    this.socket = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
    this.socket.on('message', (m) => this.#on(m));
    await new Promise<void>((res, rej) => { this.socket.once('error', rej); this.socket.bind(port, '127.0.0.1', () => res()); });
    return this.socket.address().port;
  }

  #on(m: Buffer): void {
    const now = performance.now();
    this.bytes += m.length;
    const pt = m.length > 1 ? m[1]! & 0x7f : 0;
    if (pt >= 64 && pt <= 95) return; // RTCP (sender reports) on the muxed port
    if (this.srtp) {
      const n = this.srtp.unprotectRtp(m, m.length);
      if (n < 0) { this.decryptFailed++; return; }
      this.decrypted++;
      if (view.reset(m, 0, n) !== RtpStatus.OK) return;
    } else if (view.reset(m, 0, m.length) !== RtpStatus.OK) return;
    const seq = view.sequenceNumber;
    if (this.#maxSeq >= 0 && ((seq - this.#maxSeq) & 0xffff) >= 0x8000) this.reordered++;
    else this.#maxSeq = seq;
    let cap = NaN;
    if (this.absId > 0) { const off = view.findExtension(this.absId); if (off >= 0) cap = readAbsCaptureTimeMs(m, off); }
    this.stats.onPacket(seq, view.timestamp, m.length, now, cap);
  }

  close(): void { try { this.socket.close(); } catch { /* closed */ } }
}
