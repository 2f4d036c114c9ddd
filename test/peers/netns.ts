// Real-peer tests (Chromium, @roamhq/wrtc, tshark captures) must run inside a private
// network namespace that has only `lo`: outside one, Chromium gathers the host's real
// addresses, never 127.0.0.1, and tries DNS look-ups. scripts/run-tests.mjs starts every
// *.peer.test.ts under `unshare -n`; this check makes a test fail loudly when run by hand
// outside the namespace instead of leaking traffic or hanging.
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';

export const NETNS_MESSAGE =
  'this real-peer test must run inside `unshare -n` (the test runner does this for *.peer.test.ts files)';

export class NotInNetnsError extends Error {
  readonly code = 'ERR_NOT_IN_NETNS';
  constructor(readonly interfaces: string[]) {
    super(`${NETNS_MESSAGE}; non-loopback interfaces present: ${interfaces.join(', ')}. ` +
      "Run: unshare -n sh -c 'ip link set lo up; exec node --import tsx <file>'");
    this.name = 'NotInNetnsError';
  }
}

/**
 * Names of the interfaces in this process's network namespace, other than `lo`.
 * Reads /proc/self/net/dev (per namespace); /sys/class/net is NOT: sysfs keeps showing
 * the namespace it was mounted in, so eth0 still appears there after `unshare -n`.
 */
export function nonLoopbackInterfaces(procNetDev = '/proc/self/net/dev'): string[] {
  const names: string[] = [];
  for (const line of readFileSync(procNetDev, 'utf8').split('\n').slice(2)) {
    const name = line.split(':')[0]?.trim();
    if (name && name !== 'lo') names.push(name);
  }
  return names.sort();
}

/**
 * Throws NotInNetnsError when any interface other than `lo` exists. A fresh `unshare -n`
 * namespace holds only `lo`. Call it first in every real-peer test file.
 */
export function assertInsideNetns(procNetDev = '/proc/self/net/dev'): void {
  const others = nonLoopbackInterfaces(procNetDev);
  if (others.length) throw new NotInNetnsError(others);
  const lo = networkInterfaces().lo ?? [];
  if (!lo.some((a) => a.address === '127.0.0.1')) {
    throw new Error(`${NETNS_MESSAGE}; \`lo\` is down in this namespace: run \`ip link set lo up\` first`);
  }
}
