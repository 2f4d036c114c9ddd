// A participant without a browser: joins through the signal client, publishes N Opus
// audio tracks on a client-role publisher transport (ICE controlling, DTLS client against
// the server's ICE-lite host candidates from the answer), answers every subscriber offer
// (recvonly, setup:active: the server is the DTLS server there too) and counts what
// arrives per subscribed track.
import { randomBytes } from 'node:crypto';
import { ReportView, RtcpCompoundView, RtcpType, RtpStatus, RtpView, writeReceiverReport, writeSenderReport } from '../rtp/index.js';
import { TrackSource, TrackType, type TrackInfo } from '../signal/index.js';
import { PublisherTwcc } from '../sfu/index.js';
import type { UdpMux } from '../net/index.js';
import { randomIceString, type WebRtcTransport } from '../transport/index.js';
import { ClientError } from './errors.js';
import type { ClientNetwork } from './client-network.js';
import { NTP_UNIX_OFFSET_MS, OpusSender, wallMs } from './opus-sender.js';
import { TrackReceiveStats } from './receive-stats.js';
import { answerSubscriberOffer, buildPublisherOffer, newClientSessionId, readPublisherAnswer } from './sdp.js';
import { SignalClient } from './signal-client.js';
import type { EncodedSpeech } from './speech.js';

export interface SyntheticParticipantOptions {
  network: ClientNetwork;
  /** ws://host:port of the signal server. */
  url: string;
  token: string;
  /** Audio tracks to publish (0 = subscribe only). */
  publishTracks: number;
  /** Needed when publishTracks > 0. */
  speech?: EncodedSpeech;
  /** Subscribe to every track in the room (auto_subscribe). Default true. */
  subscribe?: boolean;
  dtx?: boolean;
  /** Seed for SSRCs' start frames, sequence bases and pacing jitter. */
  seed?: number;
  /** Bound on each wait (join, track published, answer, transports connected). Default 10 000 ms. */
  timeoutMs?: number;
  /**
   * Send RTCP as a browser does: sender/receiver reports once a second and, on the
   * subscriber transport when transport-cc is offered, TWCC feedback every 50-100 ms.
   * Default true.
   */
  rtcp?: boolean;
}

export interface PublishedTrack {
  cid: string;
  sid: string;
  mid: string;
  sender: OpusSender;
}

const view = new RtpView();
const rtcpOut = Buffer.allocUnsafe(1500);
const compound = new RtcpCompoundView();
const report = new ReportView();

export class SyntheticParticipant {
  signal: SignalClient | undefined;
  publisher: WebRtcTransport | undefined;
  subscriber: WebRtcTransport | undefined;
  readonly published: PublishedTrack[] = [];
  /** SSRC -> stats of the subscribed track arriving on it. */
  readonly received = new Map<number, TrackReceiveStats>();
  /** ms from connect() to joined, published and connected. */
  joinMs = NaN;
  /** ms from start() to the first media packet received (subscribers). */
  firstMediaMs = NaN;
  #t0 = 0;
  /** Packets on the subscriber transport with an SSRC no offer announced. */
  unknownSsrc = 0;
  /** Errors after start (transport failure, signal close), by kind. */
  readonly errors = new Map<string, number>();
  readonly #o: SyntheticParticipantOptions;
  readonly #twcc = { seq: 1 };
  readonly #rtcpSsrc = randomBytes(4).readUInt32BE(0) || 1;
  /** Receive-side TWCC on the subscriber transport (the same core the server uses toward publishers). */
  #twccFeedback: PublisherTwcc | undefined;
  readonly #tick = (nowMs: number): void => {
    const t = this.subscriber;
    if (this.#twccFeedback && t?.state === 'connected') this.#twccFeedback.tick(nowMs, t);
  };
  /** RTCP reports once a second: an SR per published track, one RR for the subscribed ones. */
  readonly #report = (nowMs: number): void => {
    if (this.#closed) return;
    const pub = this.publisher;
    if (pub?.state === 'connected') {
      const ntpMs = wallMs(nowMs) + NTP_UNIX_OFFSET_MS;
      const sec = Math.floor(ntpMs / 1000);
      const frac = Math.floor(((ntpMs - sec * 1000) / 1000) * 4294967296) >>> 0;
      for (const t of this.published) {
        const st = t.sender.stats;
        const n = writeSenderReport(rtcpOut, 0, { ssrc: t.sender.ssrc, ntpSeconds: sec >>> 0, ntpFraction: frac, rtpTimestamp: t.sender.timestamp, packetCount: st.packets >>> 0, octetCount: st.bytes >>> 0 });
        if (n > 0) pub.sendRtcp(rtcpOut, 0, n);
      }
    }
    const sub = this.subscriber;
    if (sub?.state === 'connected' && this.received.size > 0) {
      const blocks = [];
      for (const r of this.received.values()) if (r.packets > 0 && blocks.length < 31) blocks.push(r.reportBlock(nowMs));
      const n = writeReceiverReport(rtcpOut, 0, this.#rtcpSsrc, blocks);
      if (n > 0) sub.sendRtcp(rtcpOut, 0, n);
    }
  };
  readonly #subSessionId = newClientSessionId();
  #subVersion = 0;
  #subMux: UdpMux | undefined;
  #subChain: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(o: SyntheticParticipantOptions) {
    if (o.publishTracks > 0 && !o.speech) throw new ClientError('bad-params', 'publishTracks > 0 needs speech');
    this.#o = o;
  }

  get sid(): string { return this.signal?.participantSid ?? ''; }

  #error(kind: string): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
  }

  /** Joins, publishes and waits until every transport is connected. Throws ClientError. */
  async start(): Promise<void> {
    const o = this.#o;
    const timeoutMs = o.timeoutMs ?? 10_000;
    const t0 = performance.now();
    this.#t0 = t0;
    const subscribe = o.subscribe !== false;
    const signal = await SignalClient.connect({ url: o.url, token: o.token, autoSubscribe: subscribe, timeoutMs });
    this.signal = signal;
    if (this.#closed) { signal.close(); throw new ClientError('closed', 'closed while joining'); }
    signal.on('offer', (sdp) => { this.#subChain = this.#subChain.then(() => this.#onSubscriberOffer(sdp)).catch(() => this.#error('subscriber-answer')); });
    signal.on('close', () => { if (!this.#closed) this.#error('signal-closed'); });
    signal.on('leave', () => { if (!this.#closed) this.#error('server-leave'); });
    if (o.publishTracks > 0) await this.#publish(timeoutMs);
    if (this.publisher) await this.#connected(this.publisher, timeoutMs, 'publisher');
    this.joinMs = performance.now() - t0;
    const now = performance.now();
    for (const p of this.published) { p.sender.start(now); o.network.addSender(p.sender); }
    if (o.rtcp !== false) o.network.addReporter(this.#report);
  }

  /** Resolves when the subscriber transport is connected (after the first subscriber offer). */
  async waitSubscriber(timeoutMs = 10_000): Promise<void> {
    const end = performance.now() + timeoutMs;
    while (!this.subscriber) {
      if (performance.now() > end) throw new ClientError('timeout', 'no subscriber offer');
      await new Promise((r) => setTimeout(r, 10));
    }
    await this.#connected(this.subscriber, Math.max(1, end - performance.now()), 'subscriber');
  }

  #connected(t: WebRtcTransport, timeoutMs: number, what: string): Promise<void> {
    if (t.state === 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const end = performance.now() + timeoutMs;
      const poll = (): void => {
        if (t.state === 'connected') return resolve();
        if (t.closed || t.state === 'failed') return reject(new ClientError('transport-failed', `${what} transport failed`));
        if (performance.now() > end) return reject(new ClientError('timeout', `${what} transport not connected within ${timeoutMs} ms`));
        setTimeout(poll, 5);
      };
      poll();
    });
  }

  async #publish(timeoutMs: number): Promise<void> {
    const o = this.#o;
    const signal = this.signal!;
    const tag = randomBytes(4).toString('hex');
    const infos: TrackInfo[] = [];
    const cids: string[] = [];
    for (let i = 0; i < o.publishTracks; i++) {
      const cid = `mic-${tag}-${i}`;
      cids.push(cid);
      infos.push(await signal.addTrack({ cid, name: `mic${i}`, type: TrackType.AUDIO, source: TrackSource.MICROPHONE }, timeoutMs));
    }
    const mux = await o.network.openSocket();
    const ssrcs = new Set<number>();
    while (ssrcs.size < o.publishTracks) ssrcs.add(randomBytes(4).readUInt32BE(0) || 1);
    const ssrcList = [...ssrcs];
    const iceUfrag = randomIceString(8), icePwd = randomIceString(24);
    const offer = buildPublisherOffer({
      iceUfrag, icePwd, fingerprints: [o.network.certificate.fingerprint], candidate: { address: o.network.host, port: mux.port },
      streamId: this.sid || `stream-${tag}`, tracks: cids.map((cid, i) => ({ cid, ssrc: ssrcList[i]! })), dtx: o.dtx === true,
    });
    let answerSdp: string;
    try {
      answerSdp = await signal.publish(offer, timeoutMs);
    } catch (e) {
      o.network.closeSocket(mux);
      throw e;
    }
    let a: ReturnType<typeof readPublisherAnswer>;
    try {
      a = readPublisherAnswer(answerSdp);
      if (!a.remote.candidates.length) throw new ClientError('bad-sdp', 'publisher answer has no UDP candidate');
    } catch (e) {
      o.network.closeSocket(mux);
      throw e;
    }
    const t = o.network.createTransport(mux, {
      iceRole: 'controlling', dtlsRole: a.dtlsRole, iceUfrag, icePwd,
      remoteIceUfrag: a.remote.iceUfrag, remoteIcePwd: a.remote.icePwd, remoteFingerprints: a.remote.fingerprints,
      remoteCandidates: a.remote.candidates,
    });
    t.events.onClose = (reason) => { if (!this.#closed) this.#error(`publisher-${reason}`); };
    this.publisher = t;
    const send = (buf: Buffer, len: number): boolean => t.sendRtp(buf, 0, len);
    const seed = o.seed ?? randomBytes(4).readUInt32BE(0);
    cids.forEach((cid, i) => {
      const m = a.media.find((x) => x.mid === String(i));
      if (!m || !m.accepted) throw new ClientError('rejected', `the server rejected track ${cid}`);
      const sender = new OpusSender({
        speech: o.speech!, ssrc: ssrcList[i]!, payloadType: m.payloadType, audioLevelId: m.audioLevelId,
        transportCcId: m.transportCcId, midId: m.midId, absCaptureTimeId: m.absCaptureTimeId, mid: m.mid,
        dtx: o.dtx === true, seed: (seed + i * 7919) >>> 0, send, twcc: this.#twcc,
      });
      this.published.push({ cid, sid: infos[i]!.sid ?? '', mid: m.mid, sender });
    });
  }

  async #onSubscriberOffer(sdp: string): Promise<void> {
    if (this.#closed) return;
    const o = this.#o;
    if (!this.#subMux) this.#subMux = await o.network.openSocket();
    const mux = this.#subMux;
    const existing = this.subscriber;
    const iceUfrag = existing?.iceUfrag ?? randomIceString(8);
    const icePwd = existing?.icePwd ?? randomIceString(24);
    const ans = answerSubscriberOffer(sdp, {
      iceUfrag, icePwd, fingerprints: [o.network.certificate.fingerprint], candidate: { address: o.network.host, port: mux.port },
    }, { sessionId: this.#subSessionId, sessionVersion: ++this.#subVersion });
    const tcc = ans.media.find((m) => m.active && m.transportCcId > 0)?.transportCcId ?? 0;
    if (tcc > 0 && o.rtcp !== false) {
      if (!this.#twccFeedback) { this.#twccFeedback = new PublisherTwcc(this.#rtcpSsrc, tcc); o.network.addTicker(this.#tick); }
      this.#twccFeedback.extId = tcc;
    }
    for (const m of ans.media) {
      if (!m.active || m.kind !== 'audio') continue;
      const have = this.received.get(m.ssrc);
      if (have && have.trackSid === m.trackSid) { have.absCaptureTimeId = m.absCaptureTimeId; have.audioLevelId = m.audioLevelId; continue; }
      this.received.set(m.ssrc, new TrackReceiveStats({ ssrc: m.ssrc, trackSid: m.trackSid, publisherSid: m.participantSid, clockRate: m.clockRate, absCaptureTimeId: m.absCaptureTimeId, audioLevelId: m.audioLevelId }));
    }
    if (!existing) {
      const t = o.network.createTransport(mux, {
        iceRole: 'controlling', dtlsRole: ans.dtlsRole, iceUfrag, icePwd,
        remoteIceUfrag: ans.remote.iceUfrag, remoteIcePwd: ans.remote.icePwd, remoteFingerprints: ans.remote.fingerprints,
        remoteCandidates: ans.remote.candidates,
      });
      t.events.onRtp = this.#onRtp;
      t.events.onRtcp = this.#onRtcp;
      t.events.onClose = (reason) => { if (!this.#closed) this.#error(`subscriber-${reason}`); };
      this.subscriber = t;
    }
    this.signal?.sendAnswer(ans.sdp);
  }

  readonly #onRtp = (buf: Buffer, len: number, nowMs: number): void => {
    if (view.reset(buf, 0, len) !== RtpStatus.OK) return;
    this.#twccFeedback?.record(view, nowMs); // every packet with the extension, probes included
    const s = this.received.get(view.ssrc);
    if (s === undefined) { this.unknownSsrc++; return; }
    if (this.firstMediaMs !== this.firstMediaMs) this.firstMediaMs = performance.now() - this.#t0;
    s.onRtp(view, nowMs);
  };

  /** Sender reports from the server, remembered per SSRC for the LSR/DLSR of our RRs. */
  readonly #onRtcp = (buf: Buffer, len: number, nowMs: number): void => {
    if (compound.reset(buf, 0, len) !== RtpStatus.OK) return;
    while (compound.next() === RtpStatus.OK) {
      if (compound.type !== RtcpType.SR || report.reset(buf, compound.offset, compound.length) !== RtpStatus.OK) continue;
      this.received.get(report.ssrc)?.onSenderReport(report.ntpMiddle, nowMs);
    }
  };

  /** Stops publishing, sends leave, closes both transports (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const p of this.published) { p.sender.stop(); this.#o.network.removeSender(p.sender); }
    this.#o.network.removeReporter(this.#report);
    this.#o.network.removeTicker(this.#tick);
    this.signal?.leave();
    this.publisher?.close();
    this.subscriber?.close();
    if (!this.subscriber && this.#subMux) this.#o.network.closeSocket(this.#subMux);
  }
}
