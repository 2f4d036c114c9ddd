// CPU time of the calling thread (Linux: /proc/thread-self/stat utime+stime, 10 ms
// ticks), and of any thread by id. Falls back to the process's CPU where /proc is absent.
import { readFileSync, readlinkSync } from 'node:fs';

const TICK_MS = 10; // CLK_TCK = 100 on Linux

function statCpuMs(path: string): number {
  const s = readFileSync(path, 'latin1');
  // Fields after the ")" of comm: state is field 3; utime 14, stime 15.
  const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) * TICK_MS;
}

/** This thread's Linux thread id, or 0 when /proc is not available. */
export function threadId(): number {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return 0;
  }
}

/** CPU ms used by thread `tid` of this process (0 = the calling thread). */
export function threadCpuMs(tid = 0): number {
  try {
    return statCpuMs(tid ? `/proc/self/task/${tid}/stat` : '/proc/thread-self/stat');
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
}

/** CPU ms of the whole process (all threads). */
export function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU ms and RSS bytes of another process on this host (Linux /proc), or undefined. */
export function otherProcessUsage(pid: number): { cpuMs: number; rssBytes: number } | undefined {
  try {
    const cpuMs = statCpuMs(`/proc/${pid}/stat`);
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'latin1').split(' ')[1]);
    return { cpuMs, rssBytes: pages * 4096 };
  } catch {
    return undefined;
  }
}
