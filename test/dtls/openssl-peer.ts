// Helpers to run OpenSSL's DTLS client/server against our endpoint over 127.0.0.1 UDP.
// Every child is time-bounded and killed by its own PID only.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { DtlsEndpoint, type DtlsEndpointOptions } from '../../src/dtls/index.js';

export interface OpensslCert { dir: string; cert: string; key: string; fingerprint256: string; der: Buffer; cleanup(): void }

/** A P-256 self-signed certificate made by openssl in a temp dir. */
export function opensslCert(): OpensslCert {
  const dir = mkdtempSync(join(tmpdir(), 'dtls-openssl-'));
  const cert = join(dir, 'c.pem');
  const key = join(dir, 'k.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=openssl-peer', '-days', '2', '-keyout', key, '-out', cert], { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
  const x = new X509Certificate(readFileSync(cert));
  return { dir, cert, key, fingerprint256: x.fingerprint256, der: x.raw, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface OpensslRun { code: number | null; stdout: string; stderr: string }

/** Spawn openssl with a hard time bound; `stdinEnd` resolves when we want it to see EOF. */
export function runOpenssl(args: string[], timeoutMs: number): { child: ChildProcess; done: Promise<OpensslRun>; endInput(): void } {
  const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => { stdout += d; });
  child.stderr!.on('data', (d) => { stderr += d; });
  const timer = setTimeout(() => { if (child.exitCode === null && child.pid) { try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ } } }, timeoutMs);
  const done = new Promise<OpensslRun>((resolve) => {
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
  return { child, done, endInput: () => { try { child.stdin!.end(); } catch { /* closed */ } } };
}

export function keyingMaterial(out: string): string | undefined {
  return /Keying material:\s*([0-9A-Fa-f]+)/.exec(out)?.[1]?.toLowerCase();
}

/** Drive a DtlsEndpoint from a UDP socket with real timers. */
export class UdpDriver {
  readonly socket: Socket;
  endpoint: DtlsEndpoint | null = null;
  #timer: NodeJS.Timeout | null = null;
  #remote: { address: string; port: number } | null = null;

  constructor(private readonly make: (send: DtlsEndpointOptions['send'], peerId: string) => DtlsEndpoint, remote?: { address: string; port: number }) {
    this.socket = createSocket('udp4');
    this.#remote = remote ?? null;
    this.socket.on('message', (msg, rinfo) => {
      if (!this.#remote) this.#remote = { address: rinfo.address, port: rinfo.port };
      if (rinfo.port !== this.#remote.port) return;
      this.#ensure().handleDatagram(msg, msg.length, performance.now());
      this.rearm();
    });
  }

  #ensure(): DtlsEndpoint {
    if (!this.endpoint) {
      const r = this.#remote!;
      this.endpoint = this.make((buf, len) => { this.socket.send(Buffer.from(buf.subarray(0, len)), r.port, r.address); }, `${r.address}:${r.port}`);
    }
    return this.endpoint;
  }

  start(): DtlsEndpoint {
    const ep = this.#ensure();
    ep.start(performance.now());
    this.rearm();
    return ep;
  }

  rearm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const ep = this.endpoint;
    if (!ep) return;
    const at = ep.nextTimeoutMs();
    if (!Number.isFinite(at)) return;
    this.#timer = setTimeout(() => { ep.tick(performance.now()); this.rearm(); }, Math.max(0, at - performance.now()));
  }

  bind(): Promise<number> {
    return new Promise((resolve) => this.socket.bind(0, '127.0.0.1', () => resolve(this.socket.address().port)));
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.endpoint?.close();
    this.socket.close();
  }
}

/** Resolve when `pred` holds, or after `ms` (then resolves false). */
export async function waitFor(pred: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return pred();
}
