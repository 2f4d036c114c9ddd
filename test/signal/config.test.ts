// SignalServerOptions loader: defaults < JSON file < SWITCHBOARD_* env < flags, with
// errors that name the bad setting.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadSignalConfig, parseKeys, defaultSignalServerOptions } from '../../src/signal/config.js';
import { ConfigError } from '../../src/signal/errors.js';

const S1 = 'secret-one-secret-one-secret-one-1';
const S2 = 'secret-two-secret-two-secret-two-2';

function throwsConfig(fn: () => unknown, re: RegExp) {
  try { fn(); } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable('expected ConfigError');
}

test('defaults (dev mode needs no keys)', () => {
  const o = loadSignalConfig({ argv: ['--dev'], env: {} });
  assert.is(o.host, '127.0.0.1');
  assert.is(o.port, 7880);
  assert.is(o.reconnectGraceMs, 10_000);
  assert.is(o.dev, true);
  assert.equal(o.apiKeys, {});
  assert.ok(Object.isFrozen(defaultSignalServerOptions));
});

test('precedence: file < env < flags; keys merged from all', () => {
  const file = JSON.stringify({ port: 9000, host: '0.0.0.0', reconnectGraceMs: 500, apiKeys: { K1: S1 } });
  const o = loadSignalConfig({
    argv: ['--port', '9002', '--keys=K3: ' + S2],
    env: { SWITCHBOARD_CONFIG: '/etc/sb.json', SWITCHBOARD_PORT: '9001', SWITCHBOARD_HOST: '::1', SWITCHBOARD_KEYS: `K2: ${S2}` },
    readFile: (p) => { assert.is(p, '/etc/sb.json'); return file; },
  });
  assert.is(o.port, 9002);
  assert.is(o.host, '::1');
  assert.is(o.reconnectGraceMs, 500);
  assert.equal(o.apiKeys, { K1: S1, K2: S2, K3: S2 });
});

test('LiveKit key syntax', () => {
  assert.equal(parseKeys(`APIa: ${S1}, APIb=${S2}\n`), { APIa: S1, APIb: S2 });
  throwsConfig(() => parseKeys('justakey'), /not "key: secret"/);
});

test('bad settings are named', () => {
  throwsConfig(() => loadSignalConfig({ argv: ['--port', '70000', '--dev'], env: {} }), /port must be an integer in 0..65535/);
  throwsConfig(() => loadSignalConfig({ argv: ['--port', 'abc'], env: {} }), /--port must be a non-negative integer/);
  throwsConfig(() => loadSignalConfig({ argv: ['--frobnicate'], env: {} }), /unknown option --frobnicate/);
  throwsConfig(() => loadSignalConfig({ argv: [], env: {} }), /no API keys/);
  throwsConfig(() => loadSignalConfig({ argv: ['--keys', 'K: short'], env: {} }), /secret of API key "K" is 5 characters; at least 32 are required outside --dev/);
  throwsConfig(() => loadSignalConfig({ argv: ['--config', 'x.json', '--dev'], env: {}, readFile: () => '{"prot": 1}' }), /unknown setting "prot"/);
  throwsConfig(() => loadSignalConfig({ argv: ['--config', 'x.json'], env: {}, readFile: () => 'nope' }), /cannot read config file x.json/);
  throwsConfig(() => loadSignalConfig({ argv: [], env: { SWITCHBOARD_RECONNECT_GRACE_MS: '-5', SWITCHBOARD_DEV: '1' } }), /SWITCHBOARD_RECONNECT_GRACE_MS/);
});

test.run();
