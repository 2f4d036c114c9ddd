// Which peer addresses the relay may send to: no open relay. Entries are an address
// ("10.0.0.5", "::1"), a CIDR ("10.0.0.0/8", "fd00::/8"), or an address and port
// ("127.0.0.1:7882", "[::1]:7882"). CreatePermission needs an entry matching the peer's IP
// (permissions are per IP, RFC 8656 §9); every send also needs the port to match when the
// entry names one, so allow-listing a media socket does not open the host's other ports.
import { parseIp } from '../stun/index.js';
import { TurnError } from './errors.js';

interface Entry {
  family: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
  /** 0 = any port. */
  port: number;
}

export class PeerAllowList {
  readonly #entries: Entry[] = [];

  constructor(entries: readonly string[] = []) {
    for (const e of entries) this.add(e);
  }

  get size(): number { return this.#entries.length; }

  /** Adds one entry; throws TurnError for a malformed one (configuration edge). */
  add(text: string): void {
    const s = text.trim();
    let addr = s, port = 0, prefix = -1;
    const slash = s.indexOf('/');
    if (s.startsWith('[')) {
      const close = s.indexOf(']');
      if (close < 0) throw bad(text);
      addr = s.slice(1, close);
      const rest = s.slice(close + 1);
      if (rest) { if (!rest.startsWith(':')) throw bad(text); port = portOf(rest.slice(1), text); }
    } else if (slash >= 0) {
      addr = s.slice(0, slash);
      prefix = Number(s.slice(slash + 1));
      if (!Number.isInteger(prefix)) throw bad(text);
    } else if (s.indexOf(':') >= 0 && s.indexOf(':') === s.lastIndexOf(':')) {
      const c = s.indexOf(':');
      addr = s.slice(0, c);
      port = portOf(s.slice(c + 1), text);
    }
    const bytes = new Uint8Array(16);
    const family = parseIp(addr, bytes, 0);
    if (family === 0) throw bad(text);
    const bits = family === 4 ? 32 : 128;
    if (prefix < 0) prefix = bits;
    if (prefix > bits) throw bad(text);
    this.#entries.push({ family, bytes, prefix, port });
  }

  /**
   * True when an entry covers address bytes addr[off..] of `family`; with port >= 0 the
   * entry's port (if any) must match too, with port < 0 only the IP is checked.
   */
  allows(family: 4 | 6, addr: Uint8Array, off: number, port: number): boolean {
    for (let i = 0; i < this.#entries.length; i++) {
      const e = this.#entries[i];
      if (e.family !== family) continue;
      if (port >= 0 && e.port !== 0 && e.port !== port) continue;
      if (prefixMatch(e.bytes, addr, off, e.prefix)) return true;
    }
    return false;
  }

  /** Text form of the entries (for logs). */
  describe(): string[] {
    return this.#entries.map((e) => `${e.family === 4 ? Array.from(e.bytes.subarray(0, 4)).join('.') : 'v6'}/${e.prefix}${e.port ? `:${e.port}` : ''}`);
  }
}

function prefixMatch(want: Uint8Array, addr: Uint8Array, off: number, prefix: number): boolean {
  let i = 0;
  for (; prefix >= 8; prefix -= 8, i++) if (want[i] !== addr[off + i]) return false;
  if (prefix === 0) return true;
  const mask = (0xff << (8 - prefix)) & 0xff;
  return (want[i] & mask) === (addr[off + i] & mask);
}

function portOf(s: string, text: string): number {
  const p = Number(s);
  if (!Number.isInteger(p) || p < 1 || p > 65535) throw bad(text);
  return p;
}

function bad(text: string): TurnError {
  return new TurnError('ERR_TURN_BAD_ADDRESS', `bad allow-list entry "${text}" (want IP, IP/prefix, IP:port or [IPv6]:port)`);
}
