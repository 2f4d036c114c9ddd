// A small tuple-typed event emitter: `Emitter<{ joined: [Participant] }>`. A listener
// that throws does not stop the others (the error goes to `onListenerError`).
export type EventMap = Record<string, unknown[]>;
type Listener<A extends unknown[]> = (...args: A) => void;

export class Emitter<E extends EventMap> {
  readonly #listeners = new Map<keyof E, Listener<never[]>[]>();
  /** Where listener exceptions go. Default: console.error. */
  onListenerError: (err: unknown, event: string) => void = (err, event) => console.error(`listener of '${event}' threw`, err);

  on<K extends keyof E>(event: K, fn: Listener<E[K]>): this {
    const l = this.#listeners.get(event) ?? [];
    this.#listeners.set(event, [...l, fn as unknown as Listener<never[]>]);
    return this;
  }

  once<K extends keyof E>(event: K, fn: Listener<E[K]>): this {
    const w = (...args: E[K]): void => { this.off(event, w); fn(...args); };
    return this.on(event, w);
  }

  off<K extends keyof E>(event: K, fn: Listener<E[K]>): this {
    const l = this.#listeners.get(event);
    if (l) this.#listeners.set(event, l.filter((x) => x !== (fn as unknown as Listener<never[]>)));
    return this;
  }

  /** Resolves with the arguments of the next `event` (rejects after timeoutMs when given). */
  wait<K extends keyof E>(event: K, timeoutMs?: number, filter?: (...args: E[K]) => boolean): Promise<E[K]> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const fn = (...args: E[K]): void => {
        if (filter && !filter(...args)) return;
        this.off(event, fn);
        if (timer) clearTimeout(timer);
        resolve(args);
      };
      this.on(event, fn);
      if (timeoutMs !== undefined) timer = setTimeout(() => { this.off(event, fn); reject(new Error(`no '${String(event)}' event within ${timeoutMs} ms`)); }, timeoutMs);
    });
  }

  emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const l = this.#listeners.get(event);
    if (!l) return;
    for (const fn of l) {
      try { (fn as unknown as Listener<E[K]>)(...args); } catch (e) { this.onListenerError(e, String(event)); }
    }
  }

  removeAllListeners(): void { this.#listeners.clear(); }
}
