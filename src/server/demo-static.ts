// The demo page's static files, plus the browser's protobuf runtime and our .proto files.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { createStaticHandler, PROTO_DIR, type StaticHandler } from '../signal/index.js';

/** The demo page's folder, plus the browser's protobuf runtime and our .proto files. */
export function demoStaticHandler(dir: string): StaticHandler {
  const files = createStaticHandler(dir);
  const protobufJs = createRequire(import.meta.url).resolve('protobufjs/dist/protobuf.min.js');
  const send = (res: Parameters<StaticHandler>[1], type: string, body: Buffer, head: boolean): true => {
    res.writeHead(200, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-cache' });
    res.end(head ? undefined : body);
    return true;
  };
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const head = req.method === 'HEAD';
    if (path === '/lib/protobuf.min.js') return send(res, 'text/javascript; charset=utf-8', readFileSync(protobufJs), head);
    const m = /^\/proto\/([a-z_]+\.proto)$/.exec(path);
    if (m) {
      try {
        return send(res, 'text/plain; charset=utf-8', readFileSync(PROTO_DIR + basename(m[1]!)), head);
      } catch {
        return false;
      }
    }
    return files(req, res);
  };
}

