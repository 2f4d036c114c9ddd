// GET /metrics on its own port (livekit-server's prometheus.port), as plain Prometheus
// text. Kept off the signaling port so it can stay private (bind it to a management
// interface); anything but GET /metrics is 404.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsCollector } from './collector.js';

export interface MetricsServer {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(collector: MetricsCollector, host: string, port: number): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) { res.writeHead(404, { 'content-type': 'text/plain' }).end('not found (GET /metrics)'); return; }
    collector.metrics().then(
      (text) => { res.writeHead(200, { 'content-type': collector.registry.contentType }).end(req.method === 'HEAD' ? undefined : text); },
      (e) => { res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(e as Error).message}`); },
    );
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, host, () => { server.off('error', reject); resolve(); }); });
  const a = server.address() as AddressInfo;
  const h = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return {
    server, url: `http://${h}:${a.port}/metrics`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
