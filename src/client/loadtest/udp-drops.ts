// Kernel receive-buffer drops of UDP sockets by local port (Linux /proc/net/udp{,6}, the
// last column): tells loss at the server's ingress from loss at the clients' sockets.
import { readFileSync } from 'node:fs';

/** Sum of `drops` over sockets bound to any of `ports` (0 when /proc is not available). */
export function udpDrops(ports: Iterable<number>): number {
  const want = new Set(ports);
  if (want.size === 0) return 0;
  let total = 0;
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string;
    try { text = readFileSync(file, 'latin1'); } catch { continue; }
    const lines = text.split('\n');
    for (let i = 1; i < lines.length; i++) {
      const f = lines[i]!.trim().split(/\s+/);
      if (f.length < 13) continue;
      const port = parseInt(f[1]!.split(':')[1] ?? '', 16);
      if (want.has(port)) total += Number(f[f.length - 1]) || 0;
    }
  }
  return total;
}
