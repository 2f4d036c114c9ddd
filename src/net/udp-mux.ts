// One UDP socket, many peers. Each datagram is classified by its first byte (demux.ts),
// routed to the peer that owns its remote address, and handed over with the time read
// once for it. An unknown address can be claimed only through `claim`, which the upper
// layer implements by checking that the datagram is a STUN binding request passing ICE
// authentication for one of its agents. Anything else is counted and dropped; a handler
// that throws is counted too and never takes the socket down.
import { createSocket, type Socket, type RemoteInfo } from 'node:dgram';
import { PacketKind, classify } from './demux.js';
import { TupleTable } from './tuple-table.js';
import { SendQueue, type SendQueueOptions } from './send-queue.js';
import { NetError } from './errors.js';
import type { SendPath } from './send-path.js';
import { createSendTarget } from './native-send-target.js';
import { loadUdpSendAddon, type SendBackend } from './native/udp-send-addon.js';
import { NativeReceiver } from './native-receiver.js';

/**
 * What a peer on the socket implements. Buffers are only valid during the call. `path`
 * is set when the packet came over an ICE-TCP connection (tcp-mux.ts): answers to it go
 * back that way; undefined means this UDP socket.
 */
export interface MuxPeer {
  onStun(buf: Buffer, len: number, address: string, port: number, family: 4 | 6, nowMs: number, path?: SendPath): void;
  onDtls(buf: Buffer, len: number, address: string, port: number, nowMs: number, path?: SendPath): void;
  onRtp(buf: Buffer, len: number, address: string, port: number, nowMs: number, path?: SendPath): void;
  onRtcp(buf: Buffer, len: number, address: string, port: number, nowMs: number, path?: SendPath): void;
}

/**
 * Decides who owns a new remote address. Called only for STUN datagrams from unknown
 * addresses; return the peer after verifying the request (ICE ufrag + MESSAGE-INTEGRITY),
 * or undefined to drop it.
 */
export type ClaimHandler = (buf: Buffer, len: number, address: string, port: number, family: 4 | 6, nowMs: number) => MuxPeer | undefined;

export interface UdpMuxStats {
  received: number;
  stun: number;
  dtls: number;
  rtp: number;
  rtcp: number;
  /** First byte outside every RFC 7983 range, or too short for its kind. */
  malformed: number;
  /** From an address no peer owns (and not a successful claim). */
  unknownAddress: number;
  claimed: number;
  /** A handler threw; the datagram was dropped. */
  handlerErrors: number;
}

export interface UdpMuxOptions {
  host?: string;
  port?: number;
  type?: 'udp4' | 'udp6';
  /**
   * Kernel socket buffers (SO_RCVBUF / SO_SNDBUF), bytes. Default 4 MiB each: the 208 KB
   * Linux default drops input whenever the worker stalls for a few ms at high packet
   * rates. Capped by net.core.rmem_max / wmem_max; a refused size keeps the default.
   */
  recvBufferSize?: number;
  sendBufferSize?: number;
  sendQueue?: SendQueueOptions;
  /**
   * 'native': sendmmsg through the udp_send addon (falls back to dgram, with a warning,
   * when it is not built); 'dgram': one node:dgram send per packet. Default: env
   * SWITCHBOARD_NET_BACKEND, else native.
   */
  sendBackend?: SendBackend;
  /**
   * 'native': recvmmsg through the udp_recv addon, one JavaScript call per batch;
   * 'dgram': one 'message' event per datagram. Default: 'native' only when env
   * SWITCHBOARD_NET_RECV=native (opt-in while it is new); falls back to dgram.
   */
  recvBackend?: SendBackend;
  /** Clock in ms; default performance.now. Read once per datagram. */
  now?: () => number;
}

const DEFAULT_SOCKET_BUFFER = 4 * 1024 * 1024;

export class UdpMux {
  readonly socket: Socket;
  readonly sendQueue: SendQueue;
  /** The backend the send queue ended up with. */
  readonly sendBackend: SendBackend;
  readonly stats: UdpMuxStats = { received: 0, stun: 0, dtls: 0, rtp: 0, rtcp: 0, malformed: 0, unknownAddress: 0, claimed: 0, handlerErrors: 0 };
  readonly #peers = new TupleTable<MuxPeer>();
  readonly #now: () => number;
  readonly #opts: UdpMuxOptions;
  #claim: ClaimHandler = () => undefined;
  #receiver: NativeReceiver | undefined;
  #closed = false;
  /** Last error thrown by a handler, for diagnostics. */
  lastHandlerError: unknown;

  constructor(opts: UdpMuxOptions = {}) {
    this.#opts = opts;
    this.#now = opts.now ?? (() => performance.now());
    this.socket = createSocket({ type: opts.type ?? 'udp4' });
    const { target, backend } = createSendTarget(this.socket, opts.sendBackend);
    this.sendBackend = backend;
    this.sendQueue = new SendQueue(target, opts.sendQueue);
    this.socket.on('message', this.#onMessage);
    // A UDP socket reports ICMP errors and the like here; they must not kill the worker.
    this.socket.on('error', () => { this.stats.handlerErrors++; });
  }

  /** Binds the socket; resolves with the bound port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(new NetError('ERR_NET_BIND', `cannot bind UDP ${this.#opts.host ?? '127.0.0.1'}:${this.#opts.port ?? 0}: ${err.message}`));
      this.socket.once('error', onError);
      this.socket.bind(this.#opts.port ?? 0, this.#opts.host ?? '127.0.0.1', () => {
        this.socket.off('error', onError);
        this.#setBuffers();
        this.#startNativeReceive();
        resolve(this.socket.address().port);
      });
    });
  }

  /** The receive backend in use (dgram until listen() started the native one). */
  get recvBackend(): SendBackend {
    return this.#receiver ? 'native' : 'dgram';
  }

  /** Datagrams, batches and truncated drops of the native receiver; undefined on dgram. */
  get nativeRecvStats(): NativeReceiver['stats'] | undefined {
    return this.#receiver?.stats;
  }

  #startNativeReceive(): void {
    const want = this.#opts.recvBackend ?? (process.env.SWITCHBOARD_NET_RECV === 'native' ? 'native' : 'dgram');
    if (want !== 'native') return;
    const addon = loadUdpSendAddon();
    if (!NativeReceiver.supported(addon)) {
      console.warn('[switchboard] native UDP receive unavailable (addon not built or too old), using node:dgram');
      return;
    }
    try {
      this.#receiver = new NativeReceiver(addon!, this.socket, this.#onNative, this.#now);
    } catch (err) {
      console.warn(`[switchboard] native UDP receive failed to start, using node:dgram: ${(err as Error).message}`);
    }
  }

  readonly #onNative = (msg: Buffer, len: number, address: string, port: number, family: 4 | 6, nowMs: number): void => {
    this.receive(msg, len, address, port, family, nowMs);
  };

  get port(): number {
    return this.socket.address().port;
  }

  #setBuffers(): void {
    const recv = this.#opts.recvBufferSize ?? DEFAULT_SOCKET_BUFFER;
    const send = this.#opts.sendBufferSize ?? DEFAULT_SOCKET_BUFFER;
    try { if (recv > 0) this.socket.setRecvBufferSize(recv); } catch { /* above rmem_max: keep the default */ }
    try { if (send > 0) this.socket.setSendBufferSize(send); } catch { /* above wmem_max: keep the default */ }
  }

  /** The kernel's actual buffer sizes (Linux reports twice the requested value). */
  get socketBuffers(): { recv: number; send: number } {
    return { recv: this.socket.getRecvBufferSize(), send: this.socket.getSendBufferSize() };
  }

  get address(): string {
    return this.socket.address().address;
  }

  setClaimHandler(fn: ClaimHandler): void {
    this.#claim = fn;
  }

  /** Routes datagrams from address:port to `peer` (e.g. a candidate pair ICE validated). */
  bind(address: string, port: number, peer: MuxPeer): void {
    this.#peers.set(address, port, peer);
  }

  unbind(address: string, port: number): void {
    this.#peers.delete(address, port);
  }

  /** Unbinds address:port only if it routes to `peer` (another peer may have claimed it since). */
  unbindPeer(address: string, port: number, peer: MuxPeer): void {
    if (this.#peers.get(address, port) === peer) this.#peers.delete(address, port);
  }

  /** Forgets every address of a peer (its transport closed). */
  removePeer(peer: MuxPeer): void {
    this.#peers.deleteOwner(peer);
  }

  get peerAddressCount(): number {
    return this.#peers.size;
  }

  /** Queues a copy of a datagram; it leaves at the end of this event-loop turn. */
  send(buf: Buffer, offset: number, length: number, port: number, address: string): boolean {
    return this.sendQueue.enqueue(buf, offset, length, port, address);
  }

  readonly #onMessage = (msg: Buffer, rinfo: RemoteInfo): void => {
    this.receive(msg, msg.length, rinfo.address, rinfo.port, rinfo.family === 'IPv6' ? 6 : 4, this.#now());
  };

  /**
   * The packet handler: one datagram from address:port. The socket calls it; tests,
   * fuzzers and other receive backends (e.g. recvmmsg) may call it too. Never throws.
   */
  receive(msg: Buffer, len: number, address: string, port: number, family: 4 | 6, nowMs: number): void {
    const stats = this.stats;
    stats.received++;
    const kind = classify(msg, len);
    if (kind === PacketKind.Unknown) {
      stats.malformed++;
      return;
    }
    let peer = this.#peers.get(address, port);
    try {
      if (peer === undefined) {
        if (kind !== PacketKind.Stun) {
          stats.unknownAddress++;
          return;
        }
        peer = this.#claim(msg, len, address, port, family, nowMs);
        if (peer === undefined) {
          stats.unknownAddress++;
          return;
        }
        stats.claimed++;
        this.#peers.set(address, port, peer);
      }
      switch (kind) {
        case PacketKind.Stun:
          stats.stun++;
          peer.onStun(msg, len, address, port, family, nowMs);
          break;
        case PacketKind.Dtls:
          stats.dtls++;
          peer.onDtls(msg, len, address, port, nowMs);
          break;
        case PacketKind.Rtp:
          stats.rtp++;
          peer.onRtp(msg, len, address, port, nowMs);
          break;
        default:
          stats.rtcp++;
          peer.onRtcp(msg, len, address, port, nowMs);
      }
    } catch (err) {
      stats.handlerErrors++;
      this.lastHandlerError = err;
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.sendQueue.flush();
    this.sendQueue.close();
    this.#receiver?.stop(); // closes its dup of the fd, so the port is really released
    this.#peers.clear();
    this.socket.off('message', this.#onMessage);
    try {
      this.socket.close();
    } catch {
      // never bound, or already closed
    }
  }
}
