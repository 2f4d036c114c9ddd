// coturn's independent TURN tools (Debian package `coturn`): turnutils_peer (a UDP echo
// peer) and turnutils_uclient (a TURN client that sends messages through a relay to the
// peer and counts what comes back). Every process is bounded in time and killed by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';

export interface UclientResult {
  code: number | null;
  output: string;
  /** From the final "tot_send_msgs=N, tot_recv_msgs=M" line; -1 when absent. */
  sent: number;
  received: number;
  /** From "Total lost packets N"; -1 when absent. */
  lost: number;
  ms: number;
}

/** Runs turnutils_uclient with `args`, killing it (by PID) after timeoutMs. */
export function runUclient(args: string[], timeoutMs: number): Promise<UclientResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn('turnutils_uclient', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => { output += d; });
    child.stderr!.on('data', (d: Buffer) => { output += d; });
    const timer = setTimeout(() => { output += `\n[test] killed after ${timeoutMs} ms\n`; killPid(child); }, timeoutMs);
    const done = (code: number | null): void => {
      clearTimeout(timer);
      const tot = /tot_send_msgs=(\d+), tot_recv_msgs=(\d+)\s*$/m.exec(output.split('\n').filter((l) => /start_mclient: tot_send_msgs=/.test(l)).pop() ?? '');
      const lost = /Total lost packets (\d+)/.exec(output);
      resolve({ code, output, sent: tot ? +tot[1] : -1, received: tot ? +tot[2] : -1, lost: lost ? +lost[1] : -1, ms: Date.now() - t0 });
    };
    child.once('error', (e) => { output += String(e); done(null); });
    child.once('close', (code) => done(code));
  });
}

export interface EchoPeer {
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts turnutils_peer on address:port and resolves once it echoes a datagram. */
export async function startEchoPeer(address: string, port: number, timeoutMs = 10_000): Promise<EchoPeer> {
  const child = spawn('turnutils_peer', ['-L', address, '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d; });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const peer: EchoPeer = {
    pid: child.pid!,
    async stop() {
      killPid(child);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    },
  };
  try {
    await probeEcho(address, port, timeoutMs);
  } catch (e) {
    await peer.stop();
    throw new Error(`turnutils_peer did not echo: ${(e as Error).message} ${stderr}`);
  }
  return peer;
}

/** Sends a probe every 100 ms until it comes back (bounded by timeoutMs). */
function probeEcho(address: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const probe = Buffer.from('switchboard-probe');
    const send = (): void => { s.send(probe, port, address); };
    const tick = setInterval(send, 100);
    const timer = setTimeout(() => { finish(); reject(new Error(`no echo within ${timeoutMs} ms`)); }, timeoutMs);
    const finish = (): void => { clearInterval(tick); clearTimeout(timer); s.close(); };
    s.on('message', (m) => { if (m.equals(probe)) { finish(); resolve(); } });
    s.bind(0, address, send);
  });
}

function killPid(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ }
}
