// The client end of the LiveKit-compatible signaling: a WebSocket to /rtc?access_token=…
// carrying protobuf SignalRequest (out) and SignalResponse (in). Every wait is bounded:
// connect+join, publisher answer, track published; a close while waiting rejects at once.
import WebSocket from 'ws';
import {
  decodeSignalResponse, encodeSignalRequest,
  type AddTrackRequest, type JoinResponse, type LeaveRequest, type ParticipantInfo, type RequestResponse,
  type SignalRequest, type SignalResponse, type SignalTarget, type TrackInfo,
} from '../signal/index.js';
import { ClientError } from './errors.js';

type Listener<A extends unknown[]> = (...args: A) => void;

export type SignalClientEvents = {
  /** The server's subscriber offer (answer it with sendAnswer). */
  offer: [sdp: string];
  answer: [sdp: string];
  trickle: [candidateInit: string, target: SignalTarget];
  update: [participants: ParticipantInfo[]];
  trackPublished: [cid: string, track: TrackInfo];
  trackUnpublished: [trackSid: string];
  requestResponse: [r: RequestResponse];
  leave: [l: LeaveRequest];
  /** Every decoded response (after the typed event). */
  message: [r: SignalResponse & { message?: string }];
  close: [code: number, reason: string];
};

export interface SignalConnectOptions {
  /** ws://host:port (the /rtc path is added). */
  url: string;
  token: string;
  /** auto_subscribe query parameter. Default true. */
  autoSubscribe?: boolean;
  /** Connect + join timeout, ms. Default 10 000. */
  timeoutMs?: number;
  /** Send a ping every pingInterval seconds from the join response. Default true. */
  ping?: boolean;
}

export class SignalClient {
  readonly join: JoinResponse;
  /** Counters for the load tester. */
  readonly stats = { sent: 0, received: 0, decodeErrors: 0, rejected: 0 };
  readonly #ws: WebSocket;
  readonly #listeners = new Map<keyof SignalClientEvents, Listener<never[]>[]>();
  #ping: NodeJS.Timeout | undefined;
  #held: Buffer[] | undefined;
  #closed = false;
  closeCode = 0;
  closeReason = '';

  private constructor(ws: WebSocket, join: JoinResponse) {
    this.#ws = ws;
    this.join = join;
  }

  /** Opens the socket and resolves with the client once the `join` response arrived. */
  static connect(o: SignalConnectOptions): Promise<SignalClient> {
    const timeoutMs = o.timeoutMs ?? 10_000;
    const q = `access_token=${encodeURIComponent(o.token)}&auto_subscribe=${o.autoSubscribe === false ? 0 : 1}&sdk=js&protocol=15`;
    const ws = new WebSocket(`${o.url.replace(/\/+$/, '')}/rtc?${q}`, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    ws.binaryType = 'nodebuffer';
    return new Promise<SignalClient>((resolve, reject) => {
      let done = false;
      const early: Buffer[] = [];
      const fail = (e: ClientError): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        ws.terminate();
        reject(e);
      };
      const timer = setTimeout(() => fail(new ClientError('timeout', `no join response within ${timeoutMs} ms`)), timeoutMs);
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => { if (body.length < 500) body += c.toString(); });
        res.on('end', () => fail(new ClientError('connect-failed', `HTTP ${res.statusCode}: ${body.trim()}`)));
        res.on('error', () => fail(new ClientError('connect-failed', `HTTP ${res.statusCode}`)));
      });
      ws.on('error', (e) => fail(new ClientError('connect-failed', e.message)));
      ws.on('close', (code, reason) => fail(new ClientError('signal-closed', `closed before join: ${code} ${reason.toString()}`)));
      ws.on('message', (data: Buffer) => {
        if (done) return;
        const d = decodeSignalResponse(data);
        if (!d.ok) return fail(new ClientError('bad-params', d.reason));
        if (d.value.message !== 'join' || !d.value.join) { early.push(data); return; }
        done = true;
        clearTimeout(timer);
        ws.removeAllListeners();
        const c = new SignalClient(ws, d.value.join);
        c.#held = early;
        c.#wire(o.ping !== false);
        // Responses that came with or right after the join (e.g. a subscriber offer for
        // tracks already in the room) are held until the caller, resumed by this
        // resolve, has attached its listeners synchronously.
        setImmediate(() => {
          const held = c.#held ?? [];
          c.#held = undefined;
          for (const f of held) c.#onMessage(f);
        });
        resolve(c);
      });
    });
  }

  get participantSid(): string { return this.join.participant?.sid ?? ''; }
  get closed(): boolean { return this.#closed; }

  on<K extends keyof SignalClientEvents>(event: K, fn: Listener<SignalClientEvents[K]>): this {
    const l = this.#listeners.get(event) ?? [];
    this.#listeners.set(event, [...l, fn as unknown as Listener<never[]>]);
    return this;
  }

  off<K extends keyof SignalClientEvents>(event: K, fn: Listener<SignalClientEvents[K]>): this {
    const l = this.#listeners.get(event);
    if (l) this.#listeners.set(event, l.filter((x) => x !== (fn as unknown as Listener<never[]>)));
    return this;
  }

  #emit<K extends keyof SignalClientEvents>(event: K, ...args: SignalClientEvents[K]): void {
    const l = this.#listeners.get(event);
    if (!l) return;
    for (const fn of l) {
      try { (fn as unknown as Listener<SignalClientEvents[K]>)(...args); } catch { /* a listener's problem is not the socket's */ }
    }
  }

  /**
   * Resolves with the first `event` whose arguments pass `filter`; rejects with
   * ClientError 'timeout' after timeoutMs, 'signal-closed' when the socket closes,
   * 'rejected' when `rejectOn` matches a RequestResponse.
   */
  waitFor<K extends keyof SignalClientEvents>(event: K, timeoutMs: number, filter?: (...a: SignalClientEvents[K]) => boolean,
    rejectOn?: (r: RequestResponse) => boolean): Promise<SignalClientEvents[K]> {
    if (this.#closed) return Promise.reject(new ClientError('signal-closed', `signal closed (${this.closeCode} ${this.closeReason})`));
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off(event, onEvent);
        this.off('close', onClose);
        this.off('requestResponse', onRr);
      };
      const onEvent = (...a: SignalClientEvents[K]): void => {
        if (filter && !filter(...a)) return;
        cleanup();
        resolve(a);
      };
      const onClose = (code: number, reason: string): void => { cleanup(); reject(new ClientError('signal-closed', `signal closed while waiting for ${String(event)}: ${code} ${reason}`)); };
      const onRr = (r: RequestResponse): void => {
        if (!rejectOn || !rejectOn(r)) return;
        cleanup();
        reject(new ClientError('rejected', `${String(event)}: server refused (reason ${r.reason}): ${r.message ?? ''}`));
      };
      const timer = setTimeout(() => { cleanup(); reject(new ClientError('timeout', `no ${String(event)} within ${timeoutMs} ms`)); }, timeoutMs);
      this.on(event, onEvent);
      this.on('close', onClose);
      this.on('requestResponse', onRr);
    });
  }

  send(req: SignalRequest): void {
    if (this.#closed || this.#ws.readyState !== WebSocket.OPEN) throw new ClientError('signal-closed', 'signal socket is not open');
    this.#ws.send(encodeSignalRequest(req));
    this.stats.sent++;
  }

  /** Sends the publisher offer; resolves with the answer SDP. */
  async publish(offerSdp: string, timeoutMs = 10_000, id = 1): Promise<string> {
    const p = this.waitFor('answer', timeoutMs, undefined, (r) => (r.reason ?? 0) !== 0 && r.trickle === undefined && r.addTrack === undefined && r.mute === undefined);
    this.send({ offer: { type: 'offer', sdp: offerSdp, id } });
    return (await p)[0];
  }

  /** AddTrackRequest; resolves with the TrackInfo of trackPublished (same cid). */
  async addTrack(req: AddTrackRequest, timeoutMs = 10_000): Promise<TrackInfo> {
    const cid = req.cid ?? '';
    const p = this.waitFor('trackPublished', timeoutMs, (c) => c === cid, (r) => r.addTrack?.cid === cid && (r.reason ?? 0) !== 0);
    this.send({ addTrack: req });
    return (await p)[1];
  }

  sendAnswer(sdp: string, id?: number): void {
    this.send({ answer: { type: 'answer', sdp, ...(id !== undefined ? { id } : {}) } });
  }

  trickle(candidateInit: string, target: SignalTarget, final = false): void {
    this.send({ trickle: { candidateInit, target, final } });
  }

  /** Sends leave and closes the socket (idempotent). */
  leave(): void {
    if (this.#closed) return;
    try { this.send({ leave: { canReconnect: false, reason: 1 } }); } catch { /* already going */ }
    this.close();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ping) clearInterval(this.#ping);
    try { this.#ws.close(1000, 'client closed'); } catch { this.#ws.terminate(); }
    // A peer that never answers the close frame must not keep the socket.
    setTimeout(() => this.#ws.terminate(), 2000).unref();
  }

  #wire(ping: boolean): void {
    this.#ws.on('message', (data: Buffer) => this.#onMessage(data));
    this.#ws.on('error', () => undefined);
    this.#ws.on('close', (code, reason) => {
      this.#closed = true;
      if (this.#ping) clearInterval(this.#ping);
      this.closeCode = code;
      this.closeReason = reason.toString();
      this.#emit('close', code, this.closeReason);
    });
    const every = (this.join.pingInterval ?? 0) * 1000;
    if (ping && every > 0) {
      this.#ping = setInterval(() => {
        if (this.#ws.readyState === WebSocket.OPEN) this.send({ ping: Date.now() });
      }, every);
      this.#ping.unref();
    }
  }

  #onMessage(data: Buffer): void {
    if (this.#held) { this.#held.push(data); return; }
    this.stats.received++;
    const d = decodeSignalResponse(data);
    if (!d.ok) { this.stats.decodeErrors++; return; }
    const r = d.value;
    switch (r.message) {
      case 'offer': if (r.offer?.sdp) this.#emit('offer', r.offer.sdp); break;
      case 'answer': if (r.answer?.sdp) this.#emit('answer', r.answer.sdp); break;
      case 'trickle': this.#emit('trickle', r.trickle?.candidateInit ?? '', (r.trickle?.target ?? 0) as SignalTarget); break;
      case 'update': this.#emit('update', r.update?.participants ?? []); break;
      case 'trackPublished': if (r.trackPublished?.track) this.#emit('trackPublished', r.trackPublished.cid ?? '', r.trackPublished.track); break;
      case 'trackUnpublished': this.#emit('trackUnpublished', r.trackUnpublished?.trackSid ?? ''); break;
      case 'requestResponse':
        if ((r.requestResponse?.reason ?? 0) !== 0) this.stats.rejected++;
        this.#emit('requestResponse', r.requestResponse ?? {});
        break;
      case 'leave': this.#emit('leave', r.leave ?? {}); break;
      default: break;
    }
    this.#emit('message', r);
  }
}
