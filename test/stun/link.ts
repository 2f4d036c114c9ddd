// An in-memory network for agent tests: datagrams are copied into a queue and delivered
// by pump(); a fake clock advances in fixed steps. No timers, no sockets.
import { IceAgent, IceLiteAgent } from '../../src/stun/index.js';

export interface Datagram { from: string; fromPort: number; to: string; toPort: number; bytes: Buffer; atMs: number }

export class Link {
  nowMs = 0;
  queue: Datagram[] = [];
  log: Datagram[] = [];
  /** Return true to drop a datagram. */
  drop: (d: Datagram) => boolean = () => false;
  readonly nodes = new Map<string, (d: Datagram) => void>();
  #liteOut = Buffer.alloc(1500);

  key(addr: string, port: number): string { return `${addr}|${port}`; }

  send(from: string, fromPort: number, buf: Buffer, len: number, to: string, toPort: number): void {
    const d = { from, fromPort, to, toPort, bytes: Buffer.from(buf.subarray(0, len)), atMs: this.nowMs };
    this.log.push(d);
    if (!this.drop(d)) this.queue.push(d);
  }

  addAgent(agent: IceAgent, addr: string, port: number): void {
    agent.onSend((buf, len, to, toPort) => this.send(addr, port, buf, len, to, toPort));
    this.nodes.set(this.key(addr, port), (d) => agent.handleDatagram(d.bytes, d.bytes.length, d.from, d.fromPort, d.from.includes(':') ? 6 : 4, this.nowMs));
  }

  addLite(lite: IceLiteAgent, addr: string, port: number): void {
    this.nodes.set(this.key(addr, port), (d) => {
      lite.handleRequest(d.bytes, d.bytes.length, d.from, d.fromPort, d.from.includes(':') ? 6 : 4, this.nowMs, this.#liteOut);
      if (lite.responseLength > 0) this.send(addr, port, this.#liteOut, lite.responseLength, d.from, d.fromPort);
    });
  }

  pump(): void {
    for (let guard = 0; this.queue.length && guard < 10_000; guard++) {
      const d = this.queue.shift()!;
      this.nodes.get(this.key(d.to, d.toPort))?.(d);
    }
  }

  /** Advances the clock to untilMs in steps, calling tick for each agent, then pumping. */
  run(untilMs: number, stepMs: number, tickers: { tick(nowMs: number): void }[], stop?: () => boolean): void {
    for (; this.nowMs <= untilMs; this.nowMs += stepMs) {
      for (const t of tickers) t.tick(this.nowMs);
      this.pump();
      if (stop?.()) return;
    }
    this.nowMs -= stepMs;
  }
}
