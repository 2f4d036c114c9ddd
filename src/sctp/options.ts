// Options of one SCTP association, each with its default (RFC 9260 §16 protocol
// parameters, tuned the way WebRTC stacks tune them: usrsctp and dcsctp use a 1 s
// initial RTO and sub-second minimum, far below TCP-era 3 s / 1 s).
import { randomBytes } from 'node:crypto';

export interface SctpOptions {
  /** Sends one SCTP packet (put it in a DTLS record). buf[0, length) is valid only during the call. */
  output: (buf: Buffer, length: number) => void;
  /** Monotonic clock in ms. Default performance.now. */
  now?: () => number;
  /**
   * Arms the host timer: call poll() at `deadline` (ms on `now`'s clock). Default: one
   * unref'ed setTimeout per association. A server with many associations passes its wheel.
   */
  schedule?: (deadline: number) => void;
  localPort?: number;        // a=sctp-port of ours, default 5000
  remotePort?: number;       // the peer's a=sctp-port, default 5000
  /**
   * Largest SCTP packet we send. Default 1140: with DTLS record overhead (13-byte header +
   * AEAD nonce/tag, up to ~60 for CBC) it stays inside our DTLS layer's 1200-byte records.
   */
  mtu?: number;
  /** Largest message we accept (our a=max-message-size). Default 262144. */
  maxMessageSize?: number;
  /** Largest message the peer accepts (its a=max-message-size; 0 = any). Default 65536 (RFC 8841 §6.1). */
  remoteMaxMessageSize?: number;
  /** Receive buffer: the a_rwnd we advertise and the most reassembly may hold. Default 1 MiB. */
  receiveBufferBytes?: number;
  /** Send buffer: queued + unacked bytes; send() past it throws send-buffer-full. Default 4 MiB. */
  sendBufferBytes?: number;
  /** Streams in each direction we offer (the peer may offer fewer). Default 1024. */
  maxStreams?: number;
  /** Secret that signs state cookies. Default: random per association. */
  cookieSecret?: Buffer;
  cookieLifetimeMs?: number; // default 60000 (Valid.Cookie.Life)
  rtoInitialMs?: number;     // default 1000
  rtoMinMs?: number;         // default 200
  rtoMaxMs?: number;         // default 10000
  maxRetransmissions?: number;     // Association.Max.Retrans, default 10
  maxInitRetransmissions?: number; // Max.Init.Retransmits, default 8
  heartbeatIntervalMs?: number;    // default 30000
  delayedSackMs?: number;          // default 200 (§6.2: at most 500)
}

export type ResolvedSctpOptions = Required<Omit<SctpOptions, 'schedule'>> & Pick<SctpOptions, 'schedule'>;

export function resolveOptions(o: SctpOptions): ResolvedSctpOptions {
  const r: ResolvedSctpOptions = {
    output: o.output,
    now: o.now ?? (() => performance.now()),
    schedule: o.schedule,
    localPort: o.localPort ?? 5000,
    remotePort: o.remotePort ?? 5000,
    mtu: o.mtu ?? 1140,
    maxMessageSize: o.maxMessageSize ?? 262144,
    remoteMaxMessageSize: o.remoteMaxMessageSize ?? 65536,
    receiveBufferBytes: o.receiveBufferBytes ?? 1 << 20,
    sendBufferBytes: o.sendBufferBytes ?? 4 << 20,
    maxStreams: o.maxStreams ?? 1024,
    cookieSecret: o.cookieSecret ?? randomBytes(32),
    cookieLifetimeMs: o.cookieLifetimeMs ?? 60_000,
    rtoInitialMs: o.rtoInitialMs ?? 1000,
    rtoMinMs: o.rtoMinMs ?? 200,
    rtoMaxMs: o.rtoMaxMs ?? 10_000,
    maxRetransmissions: o.maxRetransmissions ?? 10,
    maxInitRetransmissions: o.maxInitRetransmissions ?? 8,
    heartbeatIntervalMs: o.heartbeatIntervalMs ?? 30_000,
    delayedSackMs: o.delayedSackMs ?? 200,
  };
  if (typeof r.output !== 'function') throw new TypeError('sctp: options.output must be a function');
  for (const k of ['mtu', 'maxMessageSize', 'receiveBufferBytes', 'sendBufferBytes', 'maxStreams'] as const) {
    if (!Number.isInteger(r[k]) || r[k] <= 0) throw new RangeError(`sctp: options.${k} must be a positive integer, got ${r[k]}`);
  }
  if (r.mtu < 256 || r.mtu > 65535) throw new RangeError(`sctp: options.mtu must be 256..65535, got ${r.mtu}`);
  if (r.maxStreams > 65535) throw new RangeError(`sctp: options.maxStreams must be <= 65535, got ${r.maxStreams}`);
  if (r.receiveBufferBytes < r.mtu) throw new RangeError('sctp: options.receiveBufferBytes must be at least one mtu');
  return r;
}
