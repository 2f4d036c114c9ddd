// Webhook delivery, off the media path: notify() only appends to a bounded in-memory
// queue (one per URL) and returns; an async loop per URL POSTs the events in order.
// A failed POST (network error, timeout, 5xx, 408, 429) is retried with exponential
// backoff; other 4xx answers are final. A full queue drops its OLDEST event and the next
// delivered event says how many were lost (WebhookEvent.num_dropped), as livekit-server.
import { newWebhookEvent, signWebhook, webhookBody, type WebhookEvent, type WebhookEventInit } from './event.js';

export interface WebhookNotifierOptions {
  urls: string[];
  /** Signs every delivery; must be one of the server's API keys. */
  apiKey: string;
  apiSecret: string;
  /** Events waiting per URL (default 1000). */
  queueSize?: number;
  /** Tries per event, first included (default 5). */
  maxAttempts?: number;
  /** First retry delay; doubles each retry up to 30 s (default 500 ms). */
  backoffMs?: number;
  /** Per POST (default 5000 ms). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  nowMs?: () => number;
  log?: (line: string) => void;
}

export interface WebhookStats {
  queued: number;
  delivered: number;
  /** Given up: a final 4xx, or maxAttempts reached. */
  failed: number;
  /** Pushed out of a full queue. */
  dropped: number;
  retries: number;
}

const MAX_BACKOFF_MS = 30_000;

type Resolved = Required<Omit<WebhookNotifierOptions, 'log'>> & { log: (l: string) => void };

class UrlQueue {
  readonly items: WebhookEvent[] = [];
  droppedSinceDelivery = 0;
  running = false;
  constructor(readonly url: string) {}
}

export class WebhookNotifier {
  readonly stats: WebhookStats = { queued: 0, delivered: 0, failed: 0, dropped: 0, retries: 0 };
  readonly #o: Resolved;
  readonly #queues: UrlQueue[];
  readonly #idle = new Set<() => void>();
  readonly #abort = new AbortController();
  #closed = false;

  constructor(o: WebhookNotifierOptions) {
    for (const u of o.urls) {
      let url: URL;
      try { url = new URL(u); } catch { throw new Error(`webhook URL ${JSON.stringify(u)} is not a URL`); }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`webhook URL ${u} must be http or https`);
    }
    this.#o = {
      queueSize: 1000, maxAttempts: 5, backoffMs: 500, timeoutMs: 5000, fetch: globalThis.fetch, nowMs: Date.now,
      log: () => undefined, ...o,
    };
    this.#queues = o.urls.map((u) => new UrlQueue(u));
  }

  get urls(): string[] { return this.#queues.map((q) => q.url); }

  /** Queues the event for every URL. O(1) per URL, no I/O here; never throws. */
  notify(init: WebhookEventInit): void {
    if (this.#closed || !this.#queues.length) return;
    const ev = newWebhookEvent(init, this.#o.nowMs());
    for (const q of this.#queues) {
      if (q.items.length >= this.#o.queueSize) { q.items.shift(); q.droppedSinceDelivery++; this.stats.dropped++; }
      q.items.push(ev);
      this.stats.queued++;
      if (!q.running) { q.running = true; void this.#run(q); }
    }
  }

  /** Resolves when every queue is empty (or after `ms`). */
  async drain(ms = 5000): Promise<void> {
    if (this.#queues.every((q) => !q.running)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => { clearTimeout(t); this.#idle.delete(check); resolve(); };
      const check = (): void => { if (this.#queues.every((q) => !q.running)) done(); };
      const t = setTimeout(done, ms);
      this.#idle.add(check);
    });
  }

  /** Stops taking events, gives queued ones up to `drainMs`, then abandons the rest. */
  async close(drainMs = 2000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.drain(drainMs);
    this.#abort.abort();
  }

  async #run(q: UrlQueue): Promise<void> {
    try {
      while (q.items.length && !this.#abort.signal.aborted) {
        const ev = q.items.shift()!;
        const dropped = q.droppedSinceDelivery;
        q.droppedSinceDelivery = 0;
        const ok = await this.#deliver(q.url, dropped ? { ...ev, numDropped: dropped } : ev);
        if (ok) this.stats.delivered++;
        else this.stats.failed++;
      }
    } finally {
      q.running = false;
      for (const f of [...this.#idle]) f();
    }
  }

  async #deliver(url: string, ev: WebhookEvent): Promise<boolean> {
    const body = webhookBody(ev);
    let delay = this.#o.backoffMs;
    for (let attempt = 1; ; attempt++) {
      let status = 0;
      let why = '';
      try {
        // Signed per attempt: a retry after minutes must not carry an expired token.
        const auth = await signWebhook(body, this.#o.apiKey, this.#o.apiSecret, Math.floor(this.#o.nowMs() / 1000));
        const r = await this.#o.fetch(url, {
          method: 'POST', body,
          headers: { 'content-type': 'application/webhook+json', authorization: auth },
          signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.#o.timeoutMs)]),
        });
        status = r.status;
        await r.arrayBuffer().catch(() => undefined);
        if (status >= 200 && status < 300) return true;
        why = `HTTP ${status}`;
      } catch (e) {
        why = (e as Error)?.message ?? String(e);
      }
      const retryable = status === 0 || status >= 500 || status === 408 || status === 429;
      if (!retryable || attempt >= this.#o.maxAttempts || this.#abort.signal.aborted) {
        this.#o.log(`webhook: ${ev.event} ${ev.id} to ${url} failed after ${attempt} attempt${attempt > 1 ? 's' : ''}: ${why}`);
        return false;
      }
      this.stats.retries++;
      await new Promise<void>((r) => {
        const onAbort = (): void => { clearTimeout(t); r(); };
        const t = setTimeout(() => { this.#abort.signal.removeEventListener('abort', onAbort); r(); }, delay);
        this.#abort.signal.addEventListener('abort', onAbort, { once: true });
      });
      delay = Math.min(delay * 2, MAX_BACKOFF_MS);
    }
  }
}
