// The load side of the replay benchmark: client-role WebRtcTransports (ICE controlling,
// DTLS client, real SRTP) negotiated with the engine API directly, one UDP socket each.
//   ReplayPublisher  re-packetises a Fixture with its own SSRC/PT, an abs-capture-time
//                    extension carrying the send time, protected with its own keys
//   BenchSubscriber  answers the engine's subscriber offers; per packet it reads the clear
//                    SRTP header (seq, abs-capture-time: loss, reordering, latency) and, when
//                    verifying, decrypts (SRTP auth) and compares the payload with the fixture
import { randomBytes } from 'node:crypto';
import { generateCertificate, type DtlsCertificate } from '../../src/dtls/index.js';
import { UdpMux } from '../../src/net/index.js';
import { WebRtcTransport, randomIceString, type WebRtcTransportOptions } from '../../src/transport/index.js';
import { RtpView, RtpStatus, readAbsCaptureTimeMs } from '../../src/rtp/index.js';
import { buildPublisherOffer, readPublisherAnswer, readRemoteTransport, answerSubscriberOffer, extmapId, TrackReceiveStats, NTP_UNIX_OFFSET_MS, type PublisherAnswerInfo } from '../../src/client/index.js';
import { EXT, parseSdp, serializeSdp } from '../../src/sdp/index.js';
import type { Participant, Room } from '../../src/engine/index.js';
import type { Fixture } from './fixture.js';

const ABS_CAPTURE_ID = 5; // the id buildPublisherOffer offers for abs-capture-time

export class BenchNetwork {
  readonly certificate: DtlsCertificate = generateCertificate();
  readonly transports = new Set<WebRtcTransport>();
  /** Local ports of every socket opened (for kernel drop counts). */
  readonly ports: number[] = [];
  readonly #timer: NodeJS.Timeout;
  constructor(readonly host = '127.0.0.1') {
    this.#timer = setInterval(() => { const now = performance.now(); for (const t of this.transports) t.tick(now); }, 20);
  }

  async socket(slots = 256): Promise<UdpMux> {
    const mux = new UdpMux({ host: this.host, sendQueue: { slots } });
    this.ports.push(await mux.listen());
    try { mux.socket.setRecvBufferSize(4 << 20); } catch { /* capped by rmem_max */ }
    return mux;
  }

  add<T extends WebRtcTransport>(t: T, mux: UdpMux): T {
    this.transports.add(t);
    const prev = t.events.onClose;
    t.events.onClose = (r, e) => { this.transports.delete(t); mux.close(); prev?.(r, e); };
    return t;
  }

  close(): void {
    clearInterval(this.#timer);
    for (const t of [...this.transports]) t.close();
  }
}

export function waitConnected(t: WebRtcTransport, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const end = performance.now() + timeoutMs;
    const poll = (): void => {
      if (t.state === 'connected') return resolve();
      if (t.closed || t.state === 'failed') return reject(new Error('transport failed'));
      if (performance.now() > end) return reject(new Error(`transport not connected within ${timeoutMs} ms`));
      setTimeout(poll, 5);
    };
    poll();
  });
}

const scratch = Buffer.allocUnsafe(1600);

/** Replays a fixture into the engine as one published track. */
export class ReplayPublisher {
  readonly ssrc = randomBytes(4).readUInt32BE(0) || 1;
  participant!: Participant;
  transport!: WebRtcTransport;
  payloadType = 111;
  absId = 0;
  sent = 0;
  dropped = 0;
  bytes = 0;
  #k = 0;
  #seq0 = randomBytes(2).readUInt16BE(0);
  #ts0 = randomBytes(4).readUInt32BE(0);
  #startMs = 0;
  #rate = 0;

  constructor(readonly fixture: Fixture, readonly net: BenchNetwork) {}

  async connect(room: Room, identity: string): Promise<void> {
    this.participant = await room.join({ identity, autoSubscribe: false });
    const mux = await this.net.socket(4096);
    const iceUfrag = randomIceString(8), icePwd = randomIceString(24);
    const audioOffer = buildPublisherOffer({
      iceUfrag, icePwd, fingerprints: [this.net.certificate.fingerprint], candidate: { address: this.net.host, port: mux.port },
      streamId: identity, tracks: [{ cid: `replay-${identity}`, ssrc: this.ssrc }],
    });
    const video = this.fixture.kind === 'video';
    const answer = await this.participant.publisherOffer(video ? videoOffer(audioOffer) : audioOffer);
    const a = video ? readVideoAnswer(answer) : readPublisherAnswer(answer);
    const m = a.media[0];
    if (!m?.accepted) throw new Error('the engine rejected the replay track');
    this.payloadType = m.payloadType;
    this.absId = m.absCaptureTimeId;
    const opts: WebRtcTransportOptions = {
      mux, certificate: this.net.certificate, iceRole: 'controlling', dtlsRole: a.dtlsRole, iceUfrag, icePwd,
      remoteIceUfrag: a.remote.iceUfrag, remoteIcePwd: a.remote.icePwd, remoteFingerprints: a.remote.fingerprints, remoteCandidates: a.remote.candidates,
    };
    this.transport = this.net.add(new WebRtcTransport(opts), mux);
    await waitConnected(this.transport);
  }

  /** Starts at `nowMs`; rate 0 = recorded timing, else packets per second. */
  start(nowMs: number, rate: number): void { this.#startMs = nowMs; this.#rate = rate; this.#k = 0; }

  /** performance.now() ms when packet k is due. */
  #due(k: number): number {
    if (this.#rate > 0) return this.#startMs + (k * 1000) / this.#rate;
    const f = this.fixture, n = f.packets.length;
    return this.#startMs + (Math.floor(k / n) * f.durationUs + f.packets[k % n]!.offsetUs) / 1000;
  }

  /** Sends every packet due by `nowMs` (at most `max`). */
  poll(nowMs: number, max = 4096): void {
    for (let i = 0; i < max && this.#due(this.#k) <= nowMs; i++) this.#send(this.#k++);
  }

  #send(k: number): void {
    const f = this.fixture, n = f.packets.length, p = f.packets[k % n]!;
    const loop = Math.floor(k / n);
    const b = scratch;
    const ext = this.absId > 0;
    b[0] = ext ? 0x90 : 0x80;
    b[1] = (p.marker ? 0x80 : 0) | this.payloadType;
    b.writeUInt16BE((this.#seq0 + k) & 0xffff, 2);
    b.writeUInt32BE((this.#ts0 + ((p.ts - f.packets[0]!.ts) >>> 0) + loop * f.tsSpan) >>> 0, 4);
    b.writeUInt32BE(this.ssrc, 8);
    let o = 12;
    if (ext) {
      // One-byte header extension block (RFC 8285): abs-capture-time = send time, NTP 64-bit.
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
    const len = o + p.payload.length;
    if (this.transport.sendRtp(b, 0, len)) { this.sent++; this.bytes += len; } else this.dropped++;
  }
}

/** The client's audio offer turned into one sendonly VP8 m-line (same transport, ssrc, msid). */
function videoOffer(audioOffer: string): string {
  const sd = parseSdp(audioOffer);
  const m = sd.media[0]!;
  m.kind = 'video';
  m.formats = ['96'];
  m.rtpmaps = [{ payloadType: 96, encodingName: 'VP8', clockRate: 90000 }];
  m.fmtps = [];
  m.rtcpFbs = [{ payloadType: 96, type: 'nack' }, { payloadType: 96, type: 'nack', parameter: 'pli' }, { payloadType: 96, type: 'ccm', parameter: 'fir' }];
  m.extmaps = [{ id: 4, uri: EXT.mid }, { id: ABS_CAPTURE_ID, uri: EXT.absCaptureTime }];
  return serializeSdp(sd);
}

function readVideoAnswer(answer: string): PublisherAnswerInfo {
  const sd = parseSdp(answer);
  const remote = readRemoteTransport(sd);
  return {
    remote, dtlsRole: remote.setup === 'active' ? 'server' : 'client',
    media: sd.media.map((m) => {
      const vp8 = m.rtpmaps.find((r) => r.encodingName.toLowerCase() === 'vp8');
      return { mid: m.mid ?? '', accepted: m.port !== 0 && vp8 !== undefined, payloadType: vp8?.payloadType ?? -1, audioLevelId: 0, transportCcId: 0, midId: extmapId(m, EXT.mid, sd), absCaptureTimeId: extmapId(m, EXT.absCaptureTime, sd) };
    }),
  };
}

const view = new RtpView();

/** A subscriber transport that reads the clear SRTP header before (optionally) decrypting. */
class CountingTransport extends WebRtcTransport {
  sub: BenchSubscriber | undefined;
  override onRtp(buf: Buffer, len: number, address: string, port: number, nowMs: number): void {
    const s = this.sub;
    if (s === undefined || s.onWire(buf, len, nowMs)) super.onRtp(buf, len, address, port, nowMs);
  }
}

export class BenchSubscriber {
  participant!: Participant;
  transport: CountingTransport | undefined;
  stats: TrackReceiveStats | undefined;
  absId = 0;
  /** Packets arriving later than a higher sequence number. */
  reordered = 0;
  wireBytes = 0;
  /** Decrypted (SRTP auth passed) and compared with the fixture. */
  decrypted = 0;
  payloadMismatch = 0;
  #maxSeq = -1;
  #n = 0;
  #align = -1; // fixture index of the first aligned packet
  #lastSeq = 0;
  #ext = 0; // packets (by sequence number) since the aligned one
  #answered: Promise<void> = Promise.resolve();
  readonly errors: Error[] = [];

  /** verifyEvery: decrypt 1 packet in N (1 = all, 0 = none). */
  constructor(readonly fixture: Fixture | undefined, readonly net: BenchNetwork, readonly verifyEvery: number) {}

  async connect(room: Room, identity: string): Promise<void> {
    this.participant = await room.join({ identity, autoSubscribe: true });
    const mux = await this.net.socket(64);
    const iceUfrag = randomIceString(8), icePwd = randomIceString(24);
    const sessionId = String(randomBytes(4).readUInt32BE(0));
    let version = 0;
    const onOffer = (sdp: string): void => {
      this.#answered = this.#answered.then(async () => {
        const ans = answerSubscriberOffer(sdp, { iceUfrag, icePwd, fingerprints: [this.net.certificate.fingerprint], candidate: { address: this.net.host, port: mux.port } }, { sessionId, sessionVersion: ++version });
        const m = ans.media.find((x) => x.active);
        if (m && !this.stats) {
          this.absId = m.absCaptureTimeId;
          this.stats = new TrackReceiveStats({ ssrc: m.ssrc, trackSid: m.trackSid, publisherSid: m.participantSid, clockRate: m.clockRate, absCaptureTimeId: m.absCaptureTimeId, audioLevelId: 0 });
        }
        if (!this.transport) {
          const t = new CountingTransport({
            mux, certificate: this.net.certificate, iceRole: 'controlling', dtlsRole: ans.dtlsRole, iceUfrag, icePwd,
            remoteIceUfrag: ans.remote.iceUfrag, remoteIcePwd: ans.remote.icePwd, remoteFingerprints: ans.remote.fingerprints, remoteCandidates: ans.remote.candidates,
          });
          t.sub = this;
          t.events.onRtp = this.#onDecrypted;
          this.transport = this.net.add(t, mux);
        }
        await this.participant.subscriberAnswer(ans.sdp);
      }).catch((e: Error) => { this.errors.push(e); });
    };
    this.participant.on('subscriberOffer', onOffer);
    if (this.participant.pendingSubscriberOffer) onOffer(this.participant.pendingSubscriberOffer);
  }

  async ready(timeoutMs = 20_000): Promise<void> {
    const end = performance.now() + timeoutMs;
    while (!this.transport || !this.stats) {
      if (this.errors.length) throw this.errors[0];
      if (performance.now() > end) throw new Error('no subscriber offer');
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitConnected(this.transport, Math.max(1, end - performance.now()));
  }

  /** The clear header of an SRTP packet; returns true when this packet should be decrypted. */
  onWire(buf: Buffer, len: number, nowMs: number): boolean {
    const s = this.stats;
    if (s === undefined || view.reset(buf, 0, len) !== RtpStatus.OK || view.ssrc !== s.ssrc) return true;
    const seq = view.sequenceNumber;
    if (this.#maxSeq >= 0 && ((seq - this.#maxSeq) & 0xffff) >= 0x8000) this.reordered++;
    else this.#maxSeq = seq;
    let cap = NaN;
    if (this.absId > 0) {
      const off = view.findExtension(this.absId);
      if (off >= 0) cap = readAbsCaptureTimeMs(buf, off);
    }
    s.onPacket(seq, view.timestamp, len, nowMs, cap);
    this.wireBytes += len;
    const v = this.verifyEvery;
    return v > 0 && (this.#n++ % v) === 0;
  }

  readonly #onDecrypted = (buf: Buffer, len: number): void => {
    if (view.reset(buf, 0, len) !== RtpStatus.OK) return;
    this.decrypted++;
    const f = this.fixture?.packets ?? [], n = f.length;
    if (n === 0) return;
    const seq = view.sequenceNumber, po = view.payloadOffset, pl = view.payloadLength;
    if (this.#align < 0) {
      // Find this payload in the fixture once; a payload that occurs twice does not align.
      let hit = -1, hits = 0;
      for (let i = 0; i < n && hits < 2; i++) if (same(f[i]!.payload, buf, po, pl)) { hit = i; hits++; }
      if (hits === 1) { this.#align = hit; this.#lastSeq = seq; this.#ext = 0; }
      return;
    }
    this.#ext += ((seq - this.#lastSeq) << 16) >> 16;
    this.#lastSeq = seq;
    const idx = (this.#align + this.#ext) % n;
    if (!same(f[idx]!.payload, buf, po, pl)) this.payloadMismatch++;
  };
}

function same(a: Buffer, b: Buffer, off: number, len: number): boolean {
  if (a.length !== len) return false;
  for (let i = 0; i < len; i++) if (a[i] !== b[off + i]) return false;
  return true;
}

export { ABS_CAPTURE_ID };
