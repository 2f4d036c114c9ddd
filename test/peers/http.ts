// A tiny static HTTP server on 127.0.0.1 for test pages: a page needs an http(s) origin
// for getUserMedia (http://127.0.0.1 counts as a secure context). Serves `/` (a blank page
// that loads /sb-helpers.js), `/sb-helpers.js`, the caller's routes, and files under `root`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { DEFAULT_PAGE_HTML, PAGE_HELPERS_JS } from './page-helpers.js';

export type RouteBody = string | Buffer;
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface StaticServerOptions {
  /** Extra fixed routes: path -> body (content type from the extension) or a handler. */
  routes?: Record<string, RouteBody | RouteHandler>;
  /** Directory served for paths not in `routes` (no `..` escapes). */
  root?: string;
}

export interface StaticServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly origin: string;
  readonly port: number;
  /** Adds or replaces a route while running. */
  route(path: string, body: RouteBody | RouteHandler): void;
  /** Stops listening and destroys open connections. Idempotent. */
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json', '.wav': 'audio/wav',
  '.css': 'text/css', '.txt': 'text/plain; charset=utf-8', '.sdp': 'application/sdp',
};
const typeOf = (p: string): string => TYPES[extname(p)] ?? 'application/octet-stream';

export async function startStaticServer(opts: StaticServerOptions = {}): Promise<StaticServer> {
  const routes = new Map<string, RouteBody | RouteHandler>([
    ['/', DEFAULT_PAGE_HTML], ['/index.html', DEFAULT_PAGE_HTML], ['/sb-helpers.js', PAGE_HELPERS_JS],
  ]);
  for (const [k, v] of Object.entries(opts.routes ?? {})) routes.set(k, v);
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const r = routes.get(path);
    if (typeof r === 'function') return r(req, res);
    if (r !== undefined) {
      res.writeHead(200, { 'content-type': path === '/' ? TYPES['.html']! : typeOf(path), 'cache-control': 'no-store' });
      res.end(r);
      return;
    }
    if (opts.root) {
      const file = normalize(join(opts.root, path));
      if (file.startsWith(normalize(opts.root) + sep)) {
        readFile(file).then(
          (body) => { res.writeHead(200, { 'content-type': typeOf(file) }); res.end(body); },
          () => { res.writeHead(404); res.end('not found'); },
        );
        return;
      }
    }
    res.writeHead(404);
    res.end('not found');
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    route(path, body) { routes.set(path, body); },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}
