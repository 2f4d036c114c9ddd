// Loads the sendmmsg/recvmmsg addon (udp_send.c + udp_recv.c, built by
// scripts/build-native.mjs) and decides which send backend a socket gets. The addon is optional: when it did not build or
// load, or SWITCHBOARD_NET_BACKEND=dgram, sends go through node:dgram (one warning).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface UdpSendAddon {
  /** Sends slots first..first+count-1; packets sent (>= 1) or -errno of the first. */
  sendBatch(fd: number, slab: Uint8Array, offsets: Int32Array, lens: Int32Array, addrs: Uint8Array, first: number, count: number): number;
  /** Writes `address` as a port-0 sockaddr at out[offset..+SOCKADDR_SIZE); false if unsendable. */
  packAddress(out: Uint8Array, offset: number, address: string, v6Socket: boolean): boolean;
  /** Polls a dup of fd; each recvmmsg batch calls callback(count) (udp_recv.c). */
  recvStart?(fd: number, slab: Uint8Array, slotSize: number, lens: Int32Array, addrs: Uint8Array, callback: (count: number) => void): unknown;
  recvStop?(handle: unknown): void;
  /** The text of one 20-byte address record (inet_ntop), or undefined. */
  addressName?(records: Uint8Array, offset: number): string | undefined;
  readonly RECV_MAX_BATCH?: number;
  readonly ADDR_RECORD?: number;
  readonly MAX_BATCH: number;
  readonly SOCKADDR_SIZE: number;
  readonly EAGAIN: number;
  readonly EWOULDBLOCK: number;
  readonly ENOBUFS: number;
  readonly EAFNOSUPPORT: number;
}

export type SendBackend = 'native' | 'dgram';

// Beside this file when run from src/ (tsx); from dist/net/native the build stays in src.
const CANDIDATES = ['./build/Release/udp_send.node', '../../../src/net/native/build/Release/udp_send.node'];

let loaded: UdpSendAddon | null | undefined;
let loadError = '';
let warned = false;

/** The addon, or undefined when it is not built or cannot load here (reason in `addonLoadError`). */
export function loadUdpSendAddon(): UdpSendAddon | undefined {
  if (loaded !== undefined) return loaded ?? undefined;
  loaded = null;
  if (process.platform !== 'linux') {
    loadError = `sendmmsg needs Linux, this is ${process.platform}`;
    return undefined;
  }
  const require = createRequire(import.meta.url);
  for (const rel of CANDIDATES) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (!existsSync(path)) continue;
    try {
      loaded = require(path) as UdpSendAddon;
      return loaded;
    } catch (err) {
      loadError = `cannot load ${path}: ${(err as Error).message}`;
      return undefined;
    }
  }
  loadError = 'src/net/native/build/Release/udp_send.node is not built (run node scripts/build-native.mjs)';
  return undefined;
}

export function addonLoadError(): string {
  return loadError;
}

/**
 * The backend to use: `requested`, else SWITCHBOARD_NET_BACKEND, else native when the
 * addon loads. Asking for native without the addon falls back to dgram with one warning
 * per process.
 */
export function selectSendBackend(requested?: SendBackend): SendBackend {
  const env = process.env.SWITCHBOARD_NET_BACKEND;
  const want = requested ?? (env === 'dgram' || env === 'native' ? env : 'native');
  if (want === 'dgram') return 'dgram';
  if (loadUdpSendAddon() !== undefined) return 'native';
  if (!warned) {
    warned = true;
    console.warn(`[switchboard] native UDP send unavailable, using node:dgram: ${loadError}`);
  }
  return 'dgram';
}
