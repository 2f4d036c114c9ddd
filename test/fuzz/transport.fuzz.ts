// The whole packet handler of a worker socket: UdpMux.receive -> demux -> claim by ICE
// auth -> IceLiteAgent / DtlsEndpoint / SRTP of a WebRtcTransport. Seeds are a valid
// nominating binding request (so later inputs from the same address reach DTLS), Chromium's
// real two-fragment DTLS ClientHello, and RTP/RTCP. A handler that throws is a failure
// (UdpMux would count and drop it; here it is rethrown so the fuzzer sees it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FuzzTarget } from './harness.js';
import { generateCertificate } from '../../src/dtls/index.js';
import { TransportServer } from '../../src/transport/index.js';
import {
  StunBuilder, HmacSha1, BINDING_REQUEST, ATTR_USERNAME, ATTR_PRIORITY, ATTR_USE_CANDIDATE, ATTR_ICE_CONTROLLING,
} from '../../src/stun/index.js';

const root = new URL('../../', import.meta.url).pathname;
const UFRAG = 'fzUfrag1';
const PWD = 'fuzzPasswordFuzzPassword';
const REMOTE_UFRAG = 'rmte';
const REMOTE_PWD = 'remotePasswordRemotePass';

function bindingRequest(username = `${UFRAG}:${REMOTE_UFRAG}`, pwd = PWD): Buffer {
  const out = Buffer.alloc(200);
  const tx = Buffer.from('0123456789ab');
  const n = new StunBuilder()
    .begin(out, 0, BINDING_REQUEST, tx, 0)
    .text(ATTR_USERNAME, username)
    .u32(ATTR_PRIORITY, 0x6e7f1eff)
    .flag(ATTR_USE_CANDIDATE)
    .u64(ATTR_ICE_CONTROLLING, 0x01020304, 0x05060708)
    .integrity(new HmacSha1(Buffer.from(pwd)))
    .fingerprint()
    .end();
  return out.subarray(0, n);
}

function rtp(): Buffer {
  const b = Buffer.alloc(100);
  b[0] = 0x90; b[1] = 111; b.writeUInt16BE(1, 2); b.writeUInt32BE(960, 4); b.writeUInt32BE(0x1234, 8);
  b.writeUInt16BE(0xbede, 12); b.writeUInt16BE(1, 14); b[16] = 0x10; b[17] = 0x7f;
  return b;
}

function rtcp(): Buffer {
  const b = Buffer.alloc(52);
  b[0] = 0x80; b[1] = 200; b.writeUInt16BE(6, 2); b.writeUInt32BE(0x1234, 4);
  b[28] = 0x81; b[29] = 202; b.writeUInt16BE(2, 30);
  b.writeUInt32BE(0x80000001, 48); // SRTCP E flag + index
  return b;
}

function makeTarget(): FuzzTarget {
  const server = new TransportServer({ certificate: generateCertificate(), host: '127.0.0.1', tickMs: 1000 });
  server.mux.socket.unref();
  // Nothing leaves: every send is counted as dropped.
  server.mux.sendQueue.close();
  const seeds = [bindingRequest(), rtp(), rtcp()];
  for (const f of ['clienthello-1.bin', 'clienthello-2.bin']) {
    try { seeds.push(readFileSync(join(root, 'fixtures/dtls/chromium', f))); } catch { /* fixture not captured yet */ }
  }
  let transport = server.createTransport({ iceUfrag: UFRAG, icePwd: PWD, remoteIceUfrag: REMOTE_UFRAG, remoteIcePwd: REMOTE_PWD });
  let now = 0;
  let lastErrors = 0;
  return {
    name: 'transport packet handler (UdpMux.receive)',
    seeds: () => seeds,
    run(input: Buffer) {
      // A fuzzed fatal DTLS alert may close the transport; start a fresh one then.
      if (transport.closed) transport = server.createTransport({ iceUfrag: UFRAG, icePwd: PWD, remoteIceUfrag: REMOTE_UFRAG, remoteIcePwd: REMOTE_PWD });
      now += 1;
      server.mux.receive(input, input.length, '127.0.0.1', 5000, 4, now);
      if (now % 64 === 0) server.tick(now * 50);
      const errs = server.mux.stats.handlerErrors;
      if (errs !== lastErrors) {
        lastErrors = errs;
        throw server.mux.lastHandlerError;
      }
    },
  };
}

/**
 * The same handler while ICE restarts keep happening: every 50 inputs the peer restarts
 * (new remote ufrag: our credentials change too), 25 inputs later a valid nominating check
 * on the new credentials arrives from another port (completing it), and the fuzzed input
 * comes from one of three old-path ports. Besides never throwing, the ufrag map must hold
 * at most the current and the previous ufrag.
 */
function makeRestartTarget(): FuzzTarget {
  const server = new TransportServer({ certificate: generateCertificate(), host: '127.0.0.1', tickMs: 1000 });
  server.mux.socket.unref();
  server.mux.sendQueue.close();
  const create = () => server.createTransport({ iceUfrag: UFRAG, icePwd: PWD, remoteIceUfrag: REMOTE_UFRAG, remoteIcePwd: REMOTE_PWD, iceRestartGraceMs: 2000 });
  let transport = create();
  let now = 0;
  let lastErrors = 0;
  return {
    name: 'transport packet handler during ICE restarts',
    seeds: () => [bindingRequest(), rtp(), rtcp()],
    run(input: Buffer) {
      if (transport.closed) transport = create();
      now += 1;
      if (now % 50 === 0) transport.restartRemote(`rm${now}x`, REMOTE_PWD);
      if (now % 50 === 25 && transport.remoteIceUfrag !== undefined) {
        const req = bindingRequest(`${transport.iceUfrag}:${transport.remoteIceUfrag}`, transport.icePwd);
        server.mux.receive(req, req.length, '127.0.0.1', 6000 + (now % 7), 4, now);
      }
      server.mux.receive(input, input.length, '127.0.0.1', 5000 + (now % 3), 4, now);
      if (now % 64 === 0) server.tick(now * 10);
      const errs = server.mux.stats.handlerErrors;
      if (errs !== lastErrors) {
        lastErrors = errs;
        throw server.mux.lastHandlerError;
      }
      if (server.ufragCount > 2) throw new Error(`ufrag map holds ${server.ufragCount} ufrags for one transport`);
    },
  };
}

export const targets: FuzzTarget[] = [makeTarget(), makeRestartTarget()];
