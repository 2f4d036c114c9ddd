// One validated 5-tuple (our socket <-> remote address:port) as ICE sees it. `protocol`
// keeps a UDP pair and an ICE-TCP connection from the same address:port apart.

export class CandidatePair {
  /** Remote PRIORITY from the latest check (the peer-reflexive priority it would use). */
  priority = 0;
  /** Set when the controlling side nominated this pair (USE-CANDIDATE). */
  nominated = false;
  /** When a valid check (request or response) was last seen on this pair. */
  lastValidMs = 0;
  /** When the pair first became valid. */
  validSinceMs = 0;
  /** The ICE generation (credentials; bumped by each restart) whose check validated it. */
  generation = 0;
  constructor(
    readonly address: string,
    readonly port: number,
    readonly family: 4 | 6,
    readonly protocol: 'udp' | 'tcp' = 'udp',
  ) {}
  matches(address: string, port: number, protocol: 'udp' | 'tcp' = 'udp'): boolean {
    return this.port === port && this.address === address && this.protocol === protocol;
  }
  toString(): string {
    const a = this.family === 6 ? `[${this.address}]:${this.port}` : `${this.address}:${this.port}`;
    return this.protocol === 'tcp' ? `tcp:${a}` : a;
  }
}
