// Test doubles for the signal shim: a RoomService that records every call, a manual
// clock for the grace-period timers, and a protobuf WebSocket client.
import { WebSocket } from 'ws';
import type { RoomService, JoinRequest, JoinResult, SignalSink, IceCandidateInit } from '../../src/signal/room-service.js';
import type { Timers } from '../../src/signal/server.js';
import { decodeSignalResponse, encodeSignalRequest } from '../../src/signal/proto.js';
import type { SignalRequest, SignalResponse, SessionDescription, TrackInfo, AddTrackRequest } from '../../src/signal/messages.js';

export interface Call { method: string; sid?: string; args: unknown[] }

export class FakeRoomService implements RoomService {
  calls: Call[] = [];
  sinks = new Map<string, SignalSink>();
  joins: JoinRequest[] = [];
  #n = 0;
  failJoin: Error | undefined;
  failNext: Error | undefined;

  #rec(method: string, sid: string | undefined, ...args: unknown[]) {
    this.calls.push({ method, sid, args });
    if (this.failNext) { const e = this.failNext; this.failNext = undefined; throw e; }
  }
  methods(): string[] { return this.calls.map((c) => c.method); }

  async join(req: JoinRequest): Promise<JoinResult> {
    this.#rec('join', undefined, req.identity);
    if (this.failJoin) throw this.failJoin;
    const sid = `PA_${++this.#n}`;
    this.joins.push(req);
    const others = [...this.sinks.keys()].map((s) => ({ sid: s, identity: `id-${s}` }));
    this.sinks.set(sid, req.signal);
    return { room: { sid: 'RM_1', name: req.room }, participant: { sid, identity: req.identity, name: req.name, state: 1 }, otherParticipants: others };
  }
  async publisherOffer(sid: string, offer: SessionDescription): Promise<SessionDescription> {
    this.#rec('publisherOffer', sid, offer);
    return { type: 'answer', sdp: `v=0\r\no=answer-to-${offer.id ?? 0}\r\n` };
  }
  async subscriberAnswer(sid: string, answer: SessionDescription): Promise<void> { this.#rec('subscriberAnswer', sid, answer); }
  async addIceCandidate(sid: string, target: number, c: IceCandidateInit | null): Promise<void> { this.#rec('addIceCandidate', sid, target, c); }
  async addTrack(sid: string, req: AddTrackRequest): Promise<TrackInfo> {
    this.#rec('addTrack', sid, req);
    return { sid: `TR_${req.cid}`, name: req.name, type: req.type, source: req.source };
  }
  async muteTrack(sid: string, trackSid: string, muted: boolean): Promise<void> { this.#rec('muteTrack', sid, trackSid, muted); }
  async updateSubscription(sid: string, u: unknown): Promise<void> { this.#rec('updateSubscription', sid, u); }
  async updateTrackSettings(sid: string, s: unknown): Promise<void> { this.#rec('updateTrackSettings', sid, s); }
  async leave(sid: string, reason: number): Promise<void> { this.#rec('leave', sid, reason); this.sinks.delete(sid); }
  signalDisconnected(sid: string): void { this.#rec('signalDisconnected', sid); }
  signalResumed(sid: string): void { this.#rec('signalResumed', sid); }
}

/** Timers that only fire when the test advances the clock. */
export class FakeTimers implements Timers {
  now = 0;
  #next = 1;
  #pending = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown { const id = this.#next++; this.#pending.set(id, { at: this.now + ms, fn }); return id; }
  clearTimeout(h: unknown): void { this.#pending.delete(h as number); }
  get pending(): number { return this.#pending.size; }
  advance(ms: number): void {
    this.now += ms;
    for (const [id, t] of [...this.#pending].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at <= this.now && this.#pending.delete(id)) t.fn();
    }
  }
}

export type Received = SignalResponse & { message?: string };

/** A WebSocket speaking SignalRequest/SignalResponse, with a bounded wait for the next message. */
export class TestClient {
  readonly ws: WebSocket;
  readonly inbox: Received[] = [];
  closed = false;
  #waiters: (() => void)[] = [];
  constructor(url: string, headers?: Record<string, string>) {
    this.ws = new WebSocket(url, { headers });
    this.ws.on('message', (d: Buffer) => {
      const r = decodeSignalResponse(d);
      this.inbox.push(r.ok ? r.value : { message: `UNDECODABLE ${r.reason}` });
      this.#wake();
    });
    this.ws.on('close', () => { this.closed = true; this.#wake(); });
    this.ws.on('error', () => undefined);
  }
  #wake() { for (const w of this.#waiters.splice(0)) w(); }
  opened(): Promise<void> {
    return new Promise((res, rej) => { this.ws.once('open', () => res()); this.ws.once('error', rej); });
  }
  /** Resolves with the first message satisfying `pred`, removing it (and everything before it). */
  async next(pred: (m: Received) => boolean = () => true, ms = 2000): Promise<Received> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.inbox.findIndex(pred);
      if (i >= 0) return this.inbox.splice(0, i + 1)[i];
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${ms} ms; inbox: ${JSON.stringify(this.inbox.map((m) => m.message))}`);
      await new Promise<void>((r) => { const t = setTimeout(r, left); this.#waiters.push(() => { clearTimeout(t); r(); }); });
    }
  }
  async nextCase(c: string, ms?: number): Promise<Received> { return this.next((m) => m.message === c, ms); }
  send(req: SignalRequest): void { this.ws.send(encodeSignalRequest(req)); }
  sendRaw(bytes: Uint8Array | string): void { this.ws.send(bytes); }
  async closedPromise(ms = 2000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    if (!this.closed) throw new Error('socket did not close');
  }
  close(): void { this.ws.close(); }
  terminate(): void { this.ws.terminate(); }
}

/** Expect an upgrade refused with HTTP status + body. */
export function refusal(url: string, headers?: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => { ws.terminate(); reject(new Error('upgrade was accepted')); });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('error', () => undefined);
  });
}
