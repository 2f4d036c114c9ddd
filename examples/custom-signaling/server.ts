// The Switchboard engine behind your own signaling, in one page: WHIP ingest (RFC 9725)
// and WHEP-style playback over plain HTTP.
//
//   POST   /whip/<room>   body: SDP offer (application/sdp)  -> 201 + SDP answer + Location
//   DELETE /whip/<room>/<id>                                   -> 200, the publisher leaves
//   POST   /whep/<room>   empty body                          -> 201 + SDP offer + Location
//   PATCH  /whep/<room>/<id>  body: SDP answer                -> 204
//   DELETE /whep/<room>/<id>                                   -> 200
//   GET    /               a test page: ?mode=publish|play&room=R
//
// Playback is the server-offer variant of early WHEP drafts: the engine always offers the
// subscriber side (it owns the m-line layout), so the player answers by PATCH. The engine
// is ICE-lite and puts its candidate in the SDP, so no trickle (PATCH of an sdpfrag is 405).
// Run: node --import tsx examples/custom-signaling/server.ts [port]
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Engine, type Participant } from '../../src/engine/index.js';

const PAGE = readFileSync(new URL('./page.html', import.meta.url));
const MAX_SDP = 64 * 1024;

export interface WhipServer { server: Server; engine: Engine; url: string; close(): Promise<void> }

export async function startWhipServer(opts: { port?: number; workers?: number } = {}): Promise<WhipServer> {
  const engine = await Engine.create({ workers: opts.workers ?? 1 });
  const sessions = new Map<string, Participant>(); // resource id -> participant
  let next = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const [, kind, room, id] = url.pathname.split('/');
    if (req.method === 'GET' && url.pathname === '/') return send(res, 200, PAGE, 'text/html; charset=utf-8');
    if ((kind !== 'whip' && kind !== 'whep') || !room || !/^[\w-]{1,64}$/.test(room)) return send(res, 404, 'not found');
    const body = await readBody(req);
    if (req.method === 'POST' && !id) {
      if (!/^application\/sdp/.test(req.headers['content-type'] ?? '')) return send(res, 415, 'Content-Type must be application/sdp');
      const r = await engine.createRoom(room);
      const resource = `${String(++next)}-${kind}`;
      if (kind === 'whip') {
        const p = await r.join({ identity: `whip-${resource}`, autoSubscribe: false });
        sessions.set(resource, p);
        const answer = await p.publisherOffer(body).catch(async (e: Error) => { await p.leave(); sessions.delete(resource); throw e; });
        return send(res, 201, answer, 'application/sdp', `/whip/${room}/${resource}`);
      }
      if (![...r.participants.values()].some((p) => p.tracks.size > 0)) return send(res, 404, `nothing is published in room ${room}`);
      const p = await r.join({ identity: `whep-${resource}`, autoSubscribe: true });
      sessions.set(resource, p);
      const offer = p.pendingSubscriberOffer ?? (await p.wait('subscriberOffer', 5000))[0];
      return send(res, 201, offer, 'application/sdp', `/whep/${room}/${resource}`);
    }
    const p = id ? sessions.get(id) : undefined;
    if (!p || !id!.endsWith(kind)) return send(res, 404, 'no such session');
    if (req.method === 'PATCH' && kind === 'whep' && /^application\/sdp/.test(req.headers['content-type'] ?? '')) {
      await p.subscriberAnswer(body);
      return send(res, 204, '');
    }
    if (req.method === 'PATCH') return send(res, 405, 'trickle ICE is not needed: the server is ICE-lite');
    if (req.method === 'DELETE') {
      sessions.delete(id!);
      await p.leave();
      return send(res, 200, '');
    }
    return send(res, 405, 'method not allowed');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => send(res, 400, e.message));
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 8080, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server, engine, url,
    close: async () => {
      await new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); });
      await engine.close();
    },
  };
}

function send(res: ServerResponse, status: number, body: string | Buffer, type = 'text/plain; charset=utf-8', location?: string): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': type, ...(location ? { location } : {}), 'access-control-allow-origin': '*', 'access-control-expose-headers': 'location' });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_SDP) { reject(new Error('body too large')); req.destroy(); } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const s = await startWhipServer({ port: Number(process.argv[2] ?? 8080) });
  console.log(`WHIP: POST ${s.url}/whip/<room>   WHEP: POST ${s.url}/whep/<room>`);
  console.log(`page: ${s.url}/?mode=publish&room=demo  and  ${s.url}/?mode=play&room=demo`);
  const stop = () => void s.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
