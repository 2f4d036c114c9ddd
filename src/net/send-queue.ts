// The one way out of a worker: packets are written straight into preallocated send
// slots (the SRTP encryptor protects into the slot), queued, and flushed once per
// event-loop turn, never one syscall deep inside the forwarder.
//
// Why slots and a completion count: dgram.send keeps a reference to the buffer until
// libuv has sent it (usually at once with uv_udp_try_send, but queued on EAGAIN), so a
// slot may be reused only after its send completed. Sends complete in order, so one
// shared callback that counts completions tells how many slots are free again.

export interface SendTarget {
  send(buf: Uint8Array, offset: number, length: number, port: number, address: string, cb: (err: Error | null) => void): void;
}

export interface SendQueueOptions {
  /** Number of slots (packets in flight plus queued). Default 4096. */
  slots?: number;
  /** Bytes per slot; must hold the largest datagram. Default 1536. */
  slotSize?: number;
  /** Schedules one flush; default setImmediate. Tests pass a manual scheduler. */
  schedule?: (flush: () => void) => void;
}

export interface SendQueueStats {
  queued: number;
  sent: number;
  dropped: number;
  sendErrors: number;
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
  #head = 0; // next slot to hand out
  #queuedFrom = 0; // first slot queued but not yet passed to send()
  #inFlight = 0; // passed to send(), not completed
  #queued = 0;
  #scheduled = false;
  #closed = false;
  readonly stats: SendQueueStats = { queued: 0, sent: 0, dropped: 0, sendErrors: 0 };
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
    this.#slab = Buffer.allocUnsafeSlow(this.#n * this.slotSize);
    this.#slots = [];
    for (let i = 0; i < this.#n; i++) this.#slots.push(this.#slab.subarray(i * this.slotSize, (i + 1) * this.slotSize));
    this.#len = new Int32Array(this.#n);
    this.#port = new Int32Array(this.#n);
    this.#addr = new Array<string>(this.#n).fill('');
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

  close(): void {
    this.#closed = true;
    this.#queued = 0;
  }
}
