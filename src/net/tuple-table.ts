// Remote transport address -> owner. One UDP socket serves many peers, and with one
// local address per socket the 5-tuple reduces to the remote (address, port). The
// table is two-level (address string -> port number -> owner) so that a lookup uses the
// address string dgram already made and allocates nothing.

export class TupleTable<T> {
  readonly #byAddress = new Map<string, Map<number, T>>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get(address: string, port: number): T | undefined {
    const ports = this.#byAddress.get(address);
    return ports === undefined ? undefined : ports.get(port);
  }

  set(address: string, port: number, owner: T): void {
    let ports = this.#byAddress.get(address);
    if (ports === undefined) {
      ports = new Map();
      this.#byAddress.set(address, ports);
    }
    if (!ports.has(port)) this.#size++;
    ports.set(port, owner);
  }

  delete(address: string, port: number): boolean {
    const ports = this.#byAddress.get(address);
    if (ports === undefined || !ports.delete(port)) return false;
    if (ports.size === 0) this.#byAddress.delete(address);
    this.#size--;
    return true;
  }

  /** Removes every tuple that belongs to `owner`; returns how many. */
  deleteOwner(owner: T): number {
    let n = 0;
    for (const [address, ports] of this.#byAddress) {
      for (const [port, o] of ports) {
        if (o === owner) {
          ports.delete(port);
          n++;
        }
      }
      if (ports.size === 0) this.#byAddress.delete(address);
    }
    this.#size -= n;
    return n;
  }

  clear(): void {
    this.#byAddress.clear();
    this.#size = 0;
  }
}
