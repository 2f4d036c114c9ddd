// Fuzz targets for src/stun: the message parser (with every reader run over what it
// accepts) and the ICE-lite / full agent request paths.
import type { FuzzTarget } from './harness.js';
import {
  HmacSha1, IceAgent, IceLiteAgent, IceStatus, ParseStatus, StunMessageView, XorAddress, readLocalUfrag, readXorAddress,
} from '../../src/stun/index.js';
import { loadHex } from '../stun/fixtures.js';
import { CLIENT, SERVER, chromiumLikeRequest } from '../stun/chromium-like.js';
import { capturedChromiumMessages } from '../stun/captured.js';

function seeds(): Buffer[] {
  const lite = new IceLiteAgent({ localUfrag: SERVER.ufrag, localPwd: SERVER.pwd, remoteUfrag: CLIENT.ufrag });
  const out = Buffer.alloc(1500);
  const req = chromiumLikeRequest();
  lite.handleRequest(req, req.length, '2001:db8::1', 5000, 6, 0, out);
  const res = Buffer.from(out.subarray(0, lite.responseLength));
  return [
    req, chromiumLikeRequest(undefined, false), res,
    loadHex('rfc5769-2.1-sample-request.hex'), loadHex('rfc5769-2.2-ipv4-response.hex'),
    loadHex('rfc5769-2.3-ipv6-response.hex'), loadHex('rfc5769-2.4-long-term-request.hex'),
    ...capturedChromiumMessages(),
  ];
}

const view = new StunMessageView();
const key = new HmacSha1(Buffer.from(SERVER.pwd));
const addr = new XorAddress();

const parser: FuzzTarget = {
  name: 'stun message view',
  seeds,
  run(input) {
    if (view.reset(input, 0, input.length) !== ParseStatus.Ok) return;
    view.verifyFingerprint();
    view.verifyIntegrity(key);
    if (view.xorMappedAddress >= 0) readXorAddress(input, view.xorMappedAddress, view.xorMappedAddressLength, view.transactionId, addr);
    view.errorReason();
    readLocalUfrag(input, input.length);
    // Invariant: iteration by offset covers the message exactly.
    let covered = 20;
    for (let p = view.firstAttribute(); p >= 0; p = view.nextAttribute(p)) covered += 4 + ((view.attributeLength(p) + 3) & ~3);
    if (covered !== input.length) throw new Error(`iteration covered ${covered} of ${input.length}`);
  },
};

const lite = new IceLiteAgent({ localUfrag: SERVER.ufrag, localPwd: SERVER.pwd, remoteUfrag: CLIENT.ufrag });
const liteOut = Buffer.alloc(1500);
const resView = new StunMessageView();
let now = 0;

const liteTarget: FuzzTarget = {
  name: 'stun ice-lite handleRequest',
  seeds,
  run(input) {
    const copy = Buffer.from(input); // handleRequest restores what it patches; check that too
    const st = lite.handleRequest(input, input.length, '127.0.0.1', 5000, 4, now += 10, liteOut);
    if (!copy.equals(input)) throw new Error('handleRequest changed its input');
    lite.tick(now);
    if (lite.responseLength > 0) {
      if (resView.reset(liteOut, 0, lite.responseLength) !== ParseStatus.Ok || !resView.verifyFingerprint()) throw new Error('invalid response written');
      // Invariant: a success response only for a request that authenticates.
      if (st === IceStatus.Success && !lite.isAuthenticatedRequest(input, input.length)) throw new Error('answered an unauthenticated request');
    }
  },
};

const full = new IceAgent({ localUfrag: SERVER.ufrag, localPwd: SERVER.pwd, remoteUfrag: CLIENT.ufrag, remotePwd: CLIENT.pwd + 'xx' });
full.addRemoteCandidate('127.0.0.1', 5000, 1);
full.onSend(() => {});

const fullTarget: FuzzTarget = {
  name: 'stun ice agent handleDatagram',
  seeds,
  run(input) {
    full.handleDatagram(input, input.length, '127.0.0.1', 5000, 4, now += 10);
    full.tick(now);
  },
};

export const targets: FuzzTarget[] = [parser, liteTarget, fullTarget];
