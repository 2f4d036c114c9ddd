// The embedded TURN server's settings and placement, without peers: loadStartConfig's
// TURN layers (LiveKit-named `turn` block < env < flags, dev default on, production off),
// the refusals, and EmbeddedTurn's allow-list and turn: URLs for announced IPs, wildcard
// binds and --turn-domain (main-thread servers on ephemeral loopback ports).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EmbeddedTurn, loadStartConfig } from '../../src/server/index.js';
import { resolveTurnSettings } from '../../src/server/turn-config.js';
import { connect as tlsConnect } from 'node:tls';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSelfSigned } from '../peers/self-signed.js';

test('TURN over TLS settings: LiveKit\'s tls_port / cert_file / key_file, flags and env; off without a cert; named errors', () => {
  const secret = 's'.repeat(32);
  const base = ['--keys', `APIk: ${secret}`, '--turn'];
  assert.is(loadStartConfig({ argv: base, env: {} }).engine.turn.tls, undefined, 'off by default');
  const file = JSON.stringify({ turn: { enabled: true, domain: 'turn.example.com', tls_port: 443, cert_file: '/etc/sb/cert.pem', key_file: '/etc/sb/key.pem' } });
  assert.equal(loadStartConfig({ argv: [...base, '--config', 'sb.json'], env: {}, readFile: () => file }).engine.turn.tls, { port: 443, certFile: '/etc/sb/cert.pem', keyFile: '/etc/sb/key.pem' });
  const flags = loadStartConfig({ argv: [...base, '--turn-domain', 'turn.example.com', '--turn-cert-file', 'c.pem', '--turn-key-file=k.pem'], env: {} }).engine.turn;
  assert.equal(flags.tls, { port: 5349, certFile: 'c.pem', keyFile: 'k.pem' }, 'RFC 8656 default port');
  const env = loadStartConfig({ argv: [...base, '--config', 'sb.json'], env: { SWITCHBOARD_TURN_TLS_PORT: '0', SWITCHBOARD_TURN_KEY_FILE: 'k2.pem' }, readFile: () => file }).engine.turn;
  assert.equal(env.tls, { port: 0, certFile: '/etc/sb/cert.pem', keyFile: 'k2.pem' }, 'env over file');
  assert.throws(() => loadStartConfig({ argv: [...base, '--turn-domain', 'x.test', '--turn-cert-file', 'c.pem'], env: {} }), /needs both a certificate and a key .*got no key file/);
  assert.throws(() => loadStartConfig({ argv: [...base, '--turn-cert-file', 'c.pem', '--turn-key-file', 'k.pem'], env: {} }), /TURN over TLS needs a domain/);
  assert.throws(() => loadStartConfig({ argv: [...base, '--turn-domain', 'x.test', '--turn-cert-file', 'c.pem', '--turn-key-file', 'k.pem', '--turn-tls-port', '70000'], env: {} }), /tls port must be an integer 0\.\.65535/);
  assert.throws(() => loadStartConfig({ argv: ['--config', 'x.json'], env: {}, readFile: () => JSON.stringify({ turn: { domain: 'x.test', cert_file: 5, key_file: 'k' } }) }), /cert file must be a file path/);
});

test('EmbeddedTurn with a certificate: a TLS listener that answers TURN (Binding) over TLS for the domain, turns: URL last; unreadable or wrong files fail start() naming them', async () => {
  const cert = makeSelfSigned('turn.switchboard.test');
  try {
    const settings = resolveTurnSettings({}, {}, { udpPort: '0', domain: 'turn.switchboard.test', tlsPort: '0', certFile: cert.certFile, keyFile: cert.keyFile }, true);
    const t = await EmbeddedTurn.start({ settings, host: '127.0.0.1', mediaPorts: [7882], inWorker: false, log: () => undefined });
    try {
      assert.ok(t.tlsPort > 0 && t.tlsPort !== t.tcpPort);
      assert.equal(t.iceServersFor('PA_t')[0]!.urls, [
        `turn:turn.switchboard.test:${t.udpPort}?transport=udp`, `turn:turn.switchboard.test:${t.tcpPort}?transport=tcp`,
        `turns:turn.switchboard.test:${t.tlsPort}?transport=tcp`,
      ]);
      assert.match(t.describe(), new RegExp(`, TLS turn\\.switchboard\\.test:${t.tlsPort} \\(`));
      // A client that checks the certificate against the domain (our cert as its only CA).
      const tx = Buffer.from('0102030405060708090a0b0c', 'hex');
      const answer = await new Promise<Buffer>((resolve, reject) => {
        const sock = tlsConnect({ host: '127.0.0.1', port: t.tlsPort, servername: 'turn.switchboard.test', ca: cert.certPem }, () => {
          sock.write(Buffer.concat([Buffer.from('000100002112a442', 'hex'), tx]));
        });
        sock.once('data', (d: Buffer) => { sock.destroy(); resolve(d); });
        sock.once('error', reject);
        setTimeout(() => { sock.destroy(); reject(new Error('no answer over TLS')); }, 5000);
      });
      assert.is(answer.readUInt16BE(0), 0x0101, 'Binding success response');
      assert.ok(answer.subarray(8, 20).equals(tx), 'same transaction');
      const st = t.server!.stats()!;
      assert.is(st.tlsConnections, 1);
      assert.is(st.tlsHandshakeFailures, 0);
    } finally {
      await t.close();
    }
    const startError = async (certFile: string, keyFile: string, inWorker: boolean): Promise<string> => {
      const s = resolveTurnSettings({}, {}, { udpPort: '0', domain: 'turn.switchboard.test', tlsPort: '0', certFile, keyFile }, true);
      try { await (await EmbeddedTurn.start({ settings: s, host: '127.0.0.1', mediaPorts: [7882], inWorker, log: () => undefined })).close(); return 'started'; } catch (e) { return (e as Error).message; }
    };
    const missing = join(cert.dir, 'missing.pem');
    assert.match(await startError(missing, cert.keyFile, false), new RegExp(`cannot read turn\\.cert_file "${missing}" \\(TURN over TLS\\): ENOENT`));
    const notPem = join(cert.dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    assert.match(await startError(cert.certFile, notPem, false), /turn\.key_file ".*not\.pem" is not a PEM file/);
    // The certificate as its own key: read fine, refused by the TLS listener (in the TURN worker too).
    assert.match(await startError(cert.certFile, cert.certFile, true), /TLS certificate and key do not make a usable pair/);
  } finally {
    cert.remove();
  }
});

test('loadStartConfig TURN: off in production unless configured; file (LiveKit names) < env < flags; bad values named', () => {
  const secret = 's'.repeat(32);
  assert.is(loadStartConfig({ argv: ['--keys', `APIk: ${secret}`], env: {} }).engine.turn.enabled, false, 'production: off');
  assert.is(loadStartConfig({ argv: ['--keys', `APIk: ${secret}`, '--turn'], env: {} }).engine.turn.enabled, true);
  assert.is(loadStartConfig({ argv: ['--no-turn'], env: {} }).engine.turn.enabled, false, 'dev with --no-turn');
  const file = JSON.stringify({ port: 9000, turn: { enabled: true, udp_port: 3500, tcp_port: 3501, relay_range_start: 30000, relay_range_end: 30100, domain: 'turn.example.com', ttl_seconds: 600, allow_peers: ['10.0.0.0/8'] } });
  const f = loadStartConfig({ argv: ['--keys', `APIk: ${secret}`, '--config', 'sb.json'], env: {}, readFile: () => file }).engine.turn;
  assert.equal(f, { enabled: true, udpPort: 3500, tcpPort: 3501, portExplicit: true, relayRangeStart: 30000, relayRangeEnd: 30100, domain: 'turn.example.com', ttlSeconds: 600, allowPeers: ['10.0.0.0/8'] });
  const layered = loadStartConfig({
    argv: ['--keys', `APIk: ${secret}`, '--config', 'sb.json', '--turn-port=3600', '--turn-relay-range', '40000-40010'],
    env: { SWITCHBOARD_TURN_ENABLED: '0', SWITCHBOARD_TURN_TTL: '120', SWITCHBOARD_TURN_ALLOW_PEERS: '192.0.2.9:5000, 198.51.100.0/24' }, readFile: () => file,
  }).engine.turn;
  assert.is(layered.enabled, false, 'env over file');
  assert.is(layered.udpPort, 3600, 'flag over file');
  assert.is(layered.tcpPort, 3501, 'the file\'s explicit tcp_port stays');
  assert.is(layered.ttlSeconds, 120);
  assert.equal([layered.relayRangeStart, layered.relayRangeEnd], [40000, 40010]);
  assert.equal(layered.allowPeers, ['192.0.2.9:5000', '198.51.100.0/24']);
  assert.throws(() => loadStartConfig({ argv: ['--turn-port', 'x'], env: {} }), /flag udp port must be an integer/);
  assert.throws(() => loadStartConfig({ argv: ['--turn-ttl', '5'], env: {} }), /ttl seconds must be an integer 60\.\.86400/);
  assert.throws(() => loadStartConfig({ argv: ['--turn-relay-range', '5-1'], env: {} }), /not a port range/);
  assert.throws(() => loadStartConfig({ argv: ['--turn-allow-peers', 'nonsense'], env: {} }), /TURN allow peers: .*bad allow-list entry "nonsense"/);
  assert.throws(() => loadStartConfig({ argv: ['--config', 'x.json'], env: {}, readFile: () => JSON.stringify({ turn: { tls_port: 5349 } }) }), /TURN over TLS needs both a certificate and a key .*a TLS port only/);
  assert.throws(() => loadStartConfig({ argv: ['--config', 'x.json'], env: {}, readFile: () => JSON.stringify({ turn: { udpPort: 1 } }) }), /unknown key turn\.udpPort/);
});

test('EmbeddedTurn: allow-list = every media port on the bound host and the announced IP, plus the operator\'s; URLs name the domain', async () => {
  const settings = resolveTurnSettings({}, {}, { udpPort: '0', allowPeers: '10.9.0.0/16', domain: 'turn.example.com' }, true);
  const t = await EmbeddedTurn.start({ settings, host: '127.0.0.1', announcedIp: '192.0.2.4', mediaPorts: [7882, 7883, 7881, 0], inWorker: false, log: () => undefined });
  try {
    assert.equal([...t.allowPeers], ['127.0.0.1:7882', '127.0.0.1:7883', '127.0.0.1:7881', '192.0.2.4:7882', '192.0.2.4:7883', '192.0.2.4:7881', '10.9.0.0/16']);
    const [s] = t.iceServersFor('PA_x');
    assert.equal(s!.urls, [`turn:turn.example.com:${t.udpPort}?transport=udp`, `turn:turn.example.com:${t.tcpPort}?transport=tcp`]);
    assert.match(t.describe(), /^turn: UDP turn\.example\.com:\d+, TCP turn\.example\.com:\d+ \(relay ports any; peers: this server's media sockets \+ 10\.9\.0\.0\/16; credentials 300 s\)$/);
    const core = t.server!.core!;
    const ip = (a: string) => Uint8Array.from(a.split('.').map(Number));
    assert.ok(core.allowList.allows(4, ip('192.0.2.4'), 0, 7883), 'announced IP, media port');
    assert.not.ok(core.allowList.allows(4, ip('192.0.2.4'), 0, 22), 'announced IP, another port');
    assert.ok(core.allowList.allows(4, ip('10.9.3.3'), 0, 5000), 'operator CIDR');
    assert.not.ok(core.allowList.allows(4, ip('127.0.0.2'), 0, 7882));
  } finally {
    await t.close();
  }
});

test('EmbeddedTurn: a wildcard bind allow-lists the announced IP only and puts it in the URLs; IPv6 hosts are bracketed', async () => {
  const settings = resolveTurnSettings({}, {}, { udpPort: '0' }, true);
  const t = await EmbeddedTurn.start({ settings, host: '0.0.0.0', announcedIp: '127.0.0.1', mediaPorts: [7882], inWorker: false, log: () => undefined });
  try {
    assert.equal([...t.allowPeers], ['127.0.0.1:7882']);
    assert.equal(t.iceServersFor('PA_y')[0]!.urls, [`turn:127.0.0.1:${t.udpPort}?transport=udp`, `turn:127.0.0.1:${t.tcpPort}?transport=tcp`]);
  } finally {
    await t.close();
  }
  const v6 = await EmbeddedTurn.start({ settings, host: '::1', mediaPorts: [7882], inWorker: false, log: () => undefined }).catch((e: Error) => e);
  if (v6 instanceof Error) { console.log(`(no IPv6 loopback here: ${v6.message})`); return; }
  try {
    assert.equal([...v6.allowPeers], ['[::1]:7882']);
    assert.equal(v6.iceServersFor('PA_z')[0]!.urls![0], `turn:[::1]:${v6.udpPort}?transport=udp`);
  } finally {
    await v6.close();
  }
});

test.run();
