// Capture loopback UDP with tshark (inside the test's network namespace) and read back each
// datagram's payload: real bytes from real peers, and an independent dissector to check ours.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { withTimeout } from './paths.js';

export interface CaptureOptions {
  /** pcap file to write. */
  file: string;
  /** Interface. Default 'lo'. */
  iface?: string;
  /** Capture filter. Default 'udp'. */
  filter?: string;
  /** Hard bound: tshark stops by itself after this many seconds (`-a duration:N`). Default 30. */
  maxSeconds?: number;
  /** Bound on waiting for tshark to start capturing. Default 10 000 ms. */
  startTimeoutMs?: number;
}

export interface Capture {
  readonly pid: number;
  /** SIGINTs tshark (which flushes the file) and waits for it to exit (SIGKILL after 5 s). Idempotent. */
  stop(): Promise<void>;
}

/** Starts `tshark -i lo -w file -a duration:N udp` and resolves once it is capturing. */
export async function startCapture(opts: CaptureOptions): Promise<Capture> {
  const args = ['-i', opts.iface ?? 'lo', '-w', opts.file, '-a', `duration:${opts.maxSeconds ?? 30}`, '-q', opts.filter ?? 'udp'];
  const child: ChildProcess = spawn('tshark', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await withTimeout(new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/Capturing on/.test(stderr)) resolve();
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`tshark exited (${code}) before capturing: ${stderr.trim()}`)));
  }), opts.startTimeoutMs ?? 10_000, 'tshark start').catch((e) => { child.kill('SIGKILL'); throw e; });
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid!,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
        await withTimeout(exited, 5_000, 'tshark stop').catch(() => { child.kill('SIGKILL'); });
      })();
      return stopping;
    },
  };
}

export interface UdpDatagram {
  frame: number;
  /** Seconds since the first frame. */
  time: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  payload: Buffer;
}

/** Every UDP datagram in a pcap (IPv4 or IPv6), in capture order, via `tshark -T fields`. */
export function readUdpDatagrams(pcapFile: string): UdpDatagram[] {
  const fields = ['frame.number', 'frame.time_relative', 'ip.src', 'ipv6.src', 'udp.srcport', 'ip.dst', 'ipv6.dst', 'udp.dstport', 'udp.payload'];
  const r = spawnSync('tshark', ['-r', pcapFile, '-Y', 'udp', '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=f',
    ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8', timeout: 60_000, maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`tshark -r failed: ${r.stderr}`);
  const out: UdpDatagram[] = [];
  for (const line of r.stdout.split('\n')) {
    if (!line.trim()) continue;
    const [frame, time, ip4s, ip6s, sport, ip4d, ip6d, dport, hex] = line.split('\t');
    out.push({
      frame: Number(frame), time: Number(time), src: ip4s || ip6s || '', srcPort: Number(sport),
      dst: ip4d || ip6d || '', dstPort: Number(dport), payload: Buffer.from((hex ?? '').replace(/:/g, ''), 'hex'),
    });
  }
  return out;
}

/** RFC 7983 demultiplexing by the first byte. */
export function classifyDatagram(p: Buffer): 'stun' | 'dtls' | 'rtp' | 'rtcp' | 'other' {
  const b = p[0];
  if (b === undefined) return 'other';
  if (b <= 3) return 'stun';
  if (b >= 20 && b <= 63) return 'dtls';
  if (b >= 128 && b <= 191) {
    const pt = (p[1] ?? 0) & 0x7f;
    return pt >= 64 && pt <= 95 ? 'rtcp' : 'rtp'; // RTCP types 192-223 (RFC 5761)
  }
  return 'other';
}
