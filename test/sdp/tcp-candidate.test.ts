// ICE-TCP host candidates as we write them (RFC 6544 §4.5 syntax, §4.2 priority).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hostCandidates } from '../../src/sdp/index.js';
import { formatCandidate } from '../../src/sdp/candidate.js';

test('a tcp candidate is passive, host, priority below every UDP one', () => {
  const c = hostCandidates([{ address: '127.0.0.1', port: 7882 }, { address: '127.0.0.1', port: 7881, protocol: 'tcp' }]);
  const lines = c.map(formatCandidate);
  assert.is(lines[0], `1 1 udp ${(126 * 2 ** 24 + 0xffff * 256 + 255)} 127.0.0.1 7882 typ host`);
  // type-pref 90, local-pref 2^13 * 4 (passive) + 8191, component 1.
  const tcpPriority = 90 * 2 ** 24 + ((4 << 13) + 0x1fff - 1) * 256 + 255;
  assert.is(lines[1], `2 1 tcp ${tcpPriority} 127.0.0.1 7881 typ host tcptype passive`);
  assert.ok(c[1].priority < c[0].priority);
  assert.ok(c[1].priority < 126 * 2 ** 24, 'below any UDP host candidate');
});

test('the engine writes a UDP and a passive TCP host candidate in its answers and its offers, on live ports', async () => {
  const { Engine } = await import('../../src/engine/index.js');
  const { parseSdp } = await import('../../src/sdp/index.js');
  const { chromiumOffer } = await import('../engine/fake-client.js');
  const engine = await Engine.create({ workers: 0 });
  try {
    const room = await engine.createRoom('tcp');
    const sub = await room.join({ identity: 'sub' });
    const pub = await room.join({ identity: 'pub' });
    const offerWait = sub.wait('subscriberOffer', 2000);
    const answer = parseSdp(await pub.publisherOffer(chromiumOffer()));
    const [offer] = await offerWait;
    for (const sdp of [answer, parseSdp(offer)]) {
      for (const m of sdp.media) {
        const kinds = m.candidates.map((c) => `${c.transport} ${c.tcpType ?? '-'}`);
        assert.equal(kinds, ['udp -', 'tcp passive']);
        const [u, t] = m.candidates;
        assert.ok(t.priority < u.priority);
        assert.is(u.port, engine.ports[0]);
        assert.ok(t.port > 0 && t.port !== 9);
      }
    }
  } finally { await engine.close(); }
});

test('tcpPort: false writes UDP only', async () => {
  const { Engine } = await import('../../src/engine/index.js');
  const { parseSdp } = await import('../../src/sdp/index.js');
  const { chromiumOffer } = await import('../engine/fake-client.js');
  const engine = await Engine.create({ workers: 0, tcpPort: false });
  try {
    const room = await engine.createRoom('udp');
    const pub = await room.join({ identity: 'pub' });
    const answer = parseSdp(await pub.publisherOffer(chromiumOffer()));
    assert.equal(answer.media[0].candidates.map((c) => c.transport), ['udp']);
  } finally { await engine.close(); }
});

test('in a media worker thread: tcpPort reaches the worker and the TCP candidate is written (engine tcpPort + i)', async () => {
  const { Engine } = await import('../../src/engine/index.js');
  const { parseSdp } = await import('../../src/sdp/index.js');
  const { chromiumOffer } = await import('../engine/fake-client.js');
  const { createServer } = await import('node:net');
  // A free TCP port to ask for (then released).
  const free = await new Promise<number>((r) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => r(p)); }); });
  const engine = await Engine.create({ workers: 1, tcpPort: free });
  try {
    const room = await engine.createRoom('w');
    const pub = await room.join({ identity: 'pub' });
    const answer = parseSdp(await pub.publisherOffer(chromiumOffer()));
    const t = answer.media[0].candidates.find((c) => c.transport === 'tcp');
    assert.is(t?.port, free);
    assert.equal(engine.tcpPorts, [free]);
  } finally { await engine.close(); }
});

test('server config: --tcp-port is an engine flag; unset leaves the default (udp port - 1) to the server', async () => {
  const { loadStartConfig } = await import('../../src/server/config.js');
  assert.is(loadStartConfig({ argv: ['--dev', '--tcp-port', '9001'], env: {} }).engine.tcpPort, 9001);
  assert.is(loadStartConfig({ argv: ['--dev'], env: { SWITCHBOARD_TCP_PORT: '0' } }).engine.tcpPort, 0);
  assert.is(loadStartConfig({ argv: ['--dev'], env: {} }).engine.tcpPort, undefined);
});

test.run();
