// The one way out of a worker: packets are written straight into preallocated send
// slots (the SRTP encryptor protects into the slot), queued, and flushed once per
// event-loop turn, never one syscall deep inside the forwarder.
//
// Why slots and a completion count: dgram.send keeps a reference to the buffer until
// libuv has sent it (usually at once with uv_udp_try_send, but queued on EAGAIN), so a
// slot may be reused only after its send completed. Sends complete in order, so one
// shared callback that counts completions tells how many slots are free again.
//
// A BatchSendTarget (native-send-target.ts: sendmmsg) sends a run of slots in one call
// and copies them before it returns, so those slots are free at once. When the socket
// buffer is full it says so; the rest stay queued (counted in `blocked`) and the flush
// is retried shortly, without spinning.

export interface SendTarget {
  send(buf: Uint8Array, offset: number, length: number, port: number, address: string, cb: (err: Error | null) => void): void;
}

/** A target that sends many slots in one synchronous call (sendmmsg). */
export interface BatchSendTarget extends SendTarget {
  /** Bytes of one packed address in the addrs slab. */
  readonly sockaddrSize: number;
  /** False when batching is not possible now (socket not bound yet, or closed): use send(). */
  ready(): boolean;
  /** Packs address:port at out[offset..]; false when unsendable (that slot then fails). */
  writeAddress(out: Buffer, offset: number, address: string, port: number): boolean;
  /** Sends slots first..first+count-1; the number sent (>= 1) or -errno of the first. */
  sendBatch(slab: Buffer, offsets: Int32Array, lens: Int32Array, addrs: Buffer, first: number, count: number): number;
  /** Whether -errno means "socket buffer full, try again later". */
  isBlocked(errno: number): boolean;
}

const isBatchTarget = (t: SendTarget): t is BatchSendTarget => typeof (t as Partial<BatchSendTarget>).sendBatch === 'function';

export interface SendQueueOptions {
  /** Number of slots (packets in flight plus queued). Default 4096. */
  slots?: number;
  /** Bytes per slot; must hold the largest datagram. Default 1536. */
  slotSize?: number;
  /** Schedules one flush; default setImmediate. Tests pass a manual scheduler. */
  schedule?: (flush: () => void) => void;
  /** Schedules the retry after the socket buffer was full; default setTimeout 1 ms. */
  retry?: (flush: () => void) => void;
}

export interface SendQueueStats {
  queued: number;
  sent: number;
  dropped: number;
  sendErrors: number;
  /** Batched flushes stopped by a full socket buffer (EAGAIN/ENOBUFS); packets stayed queued. */
  blocked: number;
}

export class SendQueue {
  readonly slotSize: number;
  readonly #slab: Buffer;
  readonly #slots: Buffer[];
  readonly #len: Int32Array;
  readonly #port: Int32Array;
  readonly #addr: string[];
  readonly #n: number;
  readonly #target: SendTarget;
  readonly #schedule: (flush: () => void) => void;
  readonly #retry: (flush: () => void) => void;
  readonly #batch: BatchSendTarget | undefined;
  readonly #offsets: Int32Array; // slot i starts at i * slotSize (batch targets only)
  readonly #addrs: Buffer; // packed sockaddr per slot (batch targets only)
  #head = 0; // next slot to hand out
  #queuedFrom = 0; // first slot queued but not yet passed to send()
  #inFlight = 0; // passed to send(), not completed
  #queued = 0;
  #scheduled = false;
  #closed = false;
  readonly stats: SendQueueStats = { queued: 0, sent: 0, dropped: 0, sendErrors: 0, blocked: 0 };
  readonly #onSent = (err: Error | null): void => {
    this.#inFlight--;
    if (err) this.stats.sendErrors++;
    else this.stats.sent++;
  };
  readonly #flushBound = (): void => this.flush();

  constructor(target: SendTarget, opts: SendQueueOptions = {}) {
    this.#n = opts.slots ?? 4096;
    this.slotSize = opts.slotSize ?? 1536;
    this.#target = target;
    this.#schedule = opts.schedule ?? ((f) => void setImmediate(f));
    this.#retry = opts.retry ?? ((f) => void setTimeout(f, 1));
    this.#slab = Buffer.allocUnsafeSlow(this.#n * this.slotSize);
    this.#slots = [];
    for (let i = 0; i < this.#n; i++) this.#slots.push(this.#slab.subarray(i * this.slotSize, (i + 1) * this.slotSize));
    this.#len = new Int32Array(this.#n);
    this.#port = new Int32Array(this.#n);
    this.#addr = new Array<string>(this.#n).fill('');
    this.#batch = isBatchTarget(target) ? target : undefined;
    this.#offsets = new Int32Array(this.#batch ? this.#n : 0);
    for (let i = 0; i < this.#offsets.length; i++) this.#offsets[i] = i * this.slotSize;
    this.#addrs = Buffer.alloc(this.#batch ? this.#n * this.#batch.sockaddrSize : 0);
  }

  /**
   * A free slot to write one datagram into, or undefined when every slot is queued or
   * in flight (the caller drops the packet; it is counted). Commit it with `commit`.
   */
  acquire(): Buffer | undefined {
    if (this.#closed || this.#queued + this.#inFlight >= this.#n) {
      this.stats.dropped++;
      return undefined;
    }
    return this.#slots[this.#head];
  }

  /** Queues the slot last returned by `acquire` holding `length` bytes for address:port. */
  commit(length: number, port: number, address: string): void {
    const i = this.#head;
    this.#len[i] = length;
    this.#port[i] = port;
    this.#addr[i] = address;
    // An unsendable address still takes its slot; sendBatch refuses it and it is counted.
    if (this.#batch !== undefined) this.#batch.writeAddress(this.#addrs, i * this.#batch.sockaddrSize, address, port);
    this.#head = i + 1 === this.#n ? 0 : i + 1;
    this.#queued++;
    this.stats.queued++;
    if (!this.#scheduled) {
      this.#scheduled = true;
      this.#schedule(this.#flushBound);
    }
  }

  /** Copies `length` bytes of `src` into a slot and queues it. Returns false if dropped. */
  enqueue(src: Buffer, offset: number, length: number, port: number, address: string): boolean {
    if (length > this.slotSize) {
      this.stats.dropped++;
      return false;
    }
    const slot = this.acquire();
    if (slot === undefined) return false;
    src.copy(slot, 0, offset, offset + length);
    this.commit(length, port, address);
    return true;
  }

  get pending(): number {
    return this.#queued;
  }

  flush(): void {
    this.#scheduled = false;
    if (this.#batch !== undefined && this.#queued > 0 && this.#batch.ready()) {
      this.#flushBatched(this.#batch);
      return;
    }
    while (this.#queued > 0) {
      const i = this.#queuedFrom;
      this.#queuedFrom = i + 1 === this.#n ? 0 : i + 1;
      this.#queued--;
      this.#inFlight++;
      try {
        this.#target.send(this.#slots[i], 0, this.#len[i], this.#port[i], this.#addr[i], this.#onSent);
      } catch {
        // A closed socket throws synchronously; the packet is lost, not the worker.
        this.#inFlight--;
        this.stats.sendErrors++;
      }
    }
  }

  #flushBatched(batch: BatchSendTarget): void {
    while (this.#queued > 0) {
      const first = this.#queuedFrom;
      const run = Math.min(this.#queued, this.#n - first); // up to the ring's end
      let r: number;
      try {
        r = batch.sendBatch(this.#slab, this.#offsets, this.#len, this.#addrs, first, run);
      } catch {
        r = 0; // cannot happen with the queue's own arrays; costs one packet, not the loop
      }
      if (r < 0 && batch.isBlocked(r)) {
        this.stats.blocked++;
        if (!this.#scheduled) {
          this.#scheduled = true;
          this.#retry(this.#flushBound);
        }
        return;
      }
      let done = r;
      if (r > 0) this.stats.sent += r;
      else {
        done = 1; // this packet failed (bad address, EMSGSIZE, closed fd ...): drop it, go on
        this.stats.sendErrors++;
      }
      this.#queued -= done;
      this.#queuedFrom = (first + done) % this.#n;
    }
  }

  close(): void {
    this.#closed = true;
    this.#queued = 0;
  }
}
