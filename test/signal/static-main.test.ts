// The static file hook (demo page) and startSignalServer, the entry `npm start` uses.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { startSignalServer } from '../../src/signal/main.js';
import { FakeRoomService, TestClient } from './fakes.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-static-'));
mkdirSync(join(dir, 'js'));
writeFileSync(join(dir, 'index.html'), '<title>demo</title>');
writeFileSync(join(dir, 'js', 'app.js'), 'console.log(1)');
writeFileSync(join(dir, 'secret.key'), 'nope');
writeFileSync(join(tmpdir(), 'outside.html'), 'outside');

/** Raw GET so "/../" reaches the server unnormalised. */
function rawGet(port: number, path: string): Promise<{ status: number; body: string; type?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('startSignalServer: dev mode from argv, static dir served safely, a /token token joins', async () => {
  const lines: string[] = [];
  const rooms = new FakeRoomService();
  const run = await startSignalServer({ argv: ['--dev', '--port', '0', '--static-dir', dir], env: {}, roomService: rooms, log: (l) => lines.push(l) });
  const port = Number(new URL(run.url).port);
  const clients: TestClient[] = [];
  try {
    assert.match(lines.join('\n'), /listening on ws:\/\/127\.0\.0\.1:\d+\/rtc/);
    assert.match(lines.join('\n'), /DEV MODE — API key devkey, secret secret/);
    const idx = await rawGet(port, '/');
    assert.equal([idx.status, idx.body, idx.type], [200, '<title>demo</title>', 'text/html; charset=utf-8']);
    assert.is((await rawGet(port, '/js/app.js')).body, 'console.log(1)');
    for (const bad of ['/../outside.html', '/%2e%2e/outside.html', '/js/../../outside.html', '/%2e%2e%2foutside.html', '/js%2f..%2f..%2foutside.html', '/secret.key', '/js/', '/missing.html']) {
      assert.is((await rawGet(port, bad)).status, 404, bad);
    }
    const { token } = JSON.parse((await rawGet(port, '/token?room=demo&identity=alice')).body);
    const c = new TestClient(`${run.url}/rtc?access_token=${token}`);
    clients.push(c);
    await c.opened();
    const j = await c.next();
    assert.is(j.join?.room?.name, 'demo');
  } finally {
    for (const c of clients) c.terminate();
    await run.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(tmpdir(), 'outside.html'), { force: true });
  }
});

test.run();
