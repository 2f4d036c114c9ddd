// Fuzz targets for DTLS: record parsing, handshake reassembly + ClientHello parsing, and
// whole server/client endpoints fed through handleDatagram. Nothing may throw; memory held
// by the reassembler must stay bounded.
import { existsSync, readFileSync } from 'node:fs';
import type { FuzzTarget } from './harness.js';
import { CookieSecret, DtlsEndpoint, generateCertificate } from '../../src/dtls/index.js';
import { parseClientHello } from '../../src/dtls/client-hello.js';
import { ExtensionType, MAX_HANDSHAKE_MESSAGE } from '../../src/dtls/constants.js';
import { readU16List, readUseSrtp } from '../../src/dtls/extensions.js';
import { HandshakeFragmentView } from '../../src/dtls/handshake-header.js';
import { Reassembler } from '../../src/dtls/reassembler.js';
import { RecordView } from '../../src/dtls/record.js';

const cert = generateCertificate({ commonName: 'fuzz' });
const cookieSecret = new CookieSecret();
const noop = () => {};

/** A real exchange between our own endpoints, recorded once, gives the seeds. */
function recordExchange(): { fromClient: Buffer[]; fromServer: Buffer[] } {
  const fromClient: Buffer[] = [];
  const fromServer: Buffer[] = [];
  let server: DtlsEndpoint | null = null;
  const client = new DtlsEndpoint({ role: 'client', certificate: cert, send: (b, l) => { const c = Buffer.from(b.subarray(0, l)); fromClient.push(c); server!.handleDatagram(c, l, 0); } });
  server = new DtlsEndpoint({ role: 'server', certificate: cert, peerId: 'fuzz', cookieSecret, remoteFingerprints: [cert.fingerprint], send: (b, l) => { const c = Buffer.from(b.subarray(0, l)); fromServer.push(c); client.handleDatagram(c, l, 0); } });
  client.setRemoteFingerprints([cert.fingerprint]);
  client.start(0);
  return { fromClient, fromServer };
}

let exchange: ReturnType<typeof recordExchange> | null = null;
const ex = () => (exchange ??= recordExchange());

function chromiumSeeds(): Buffer[] {
  const dir = new URL('../../fixtures/dtls/chromium/', import.meta.url).pathname;
  return ['clienthello-1.bin', 'clienthello-2.bin'].map((f) => dir + f).filter(existsSync).map((f) => readFileSync(f));
}

const rec = new RecordView();
const frag = new HandshakeFragmentView();

function checkBounded(r: Reassembler): void {
  if (r.heldBytes > 2 * MAX_HANDSHAKE_MESSAGE) throw new Error(`reassembler holds ${r.heldBytes} bytes`);
}

export const targets: FuzzTarget[] = [
  {
    name: 'dtls record layer: datagram -> records',
    seeds: () => [...chromiumSeeds(), ...ex().fromClient, ...ex().fromServer],
    run: (input) => {
      let off = 0;
      while (off < input.length && rec.reset(input, off, input.length) === 0) {
        if (rec.end <= off) throw new Error('no progress');
        off = rec.end;
      }
    },
  },
  {
    name: 'dtls handshake reassembly + ClientHello parser',
    seeds: () => [...chromiumSeeds(), ex().fromClient[0], ex().fromClient[1]],
    run: (input) => {
      const r = new Reassembler();
      let off = 0;
      while (off < input.length && rec.reset(input, off, input.length) === 0) {
        off = rec.end;
        let fo = rec.payloadOff;
        while (fo < rec.end && frag.reset(input, fo, rec.end)) { fo = frag.end; r.add(frag, input, rec.epoch); }
      }
      checkBounded(r);
      for (let m = r.next(); m; m = r.next()) {
        const ch = parseClientHello(m.body);
        if (!ch) continue;
        const g = ch.extensions.get(ExtensionType.supportedGroups);
        if (g) readU16List(g);
        const v = ch.extensions.get(ExtensionType.supportedVersions);
        if (v) readU16List(v, 1);
        const s = ch.extensions.get(ExtensionType.useSrtp);
        if (s) readUseSrtp(s);
      }
    },
  },
  {
    name: 'dtls server endpoint handleDatagram',
    seeds: () => [...chromiumSeeds(), ...ex().fromClient],
    run: (input) => {
      const ep = new DtlsEndpoint({ role: 'server', certificate: cert, peerId: 'fuzz', cookieSecret, remoteFingerprints: [cert.fingerprint], send: noop });
      ep.handleDatagram(input, input.length, 0);
      ep.handleDatagram(input, input.length, 1);
      ep.tick(10_000);
      checkBounded(ep.reassembler);
    },
  },
  {
    name: 'dtls client endpoint handleDatagram (server flights)',
    seeds: () => ex().fromServer.slice(1),
    run: (input) => {
      const hvr = ex().fromServer[0];
      const ep = new DtlsEndpoint({ role: 'client', certificate: cert, remoteFingerprints: [cert.fingerprint], send: noop });
      ep.start(0);
      ep.handleDatagram(hvr, hvr.length, 0);
      ep.handleDatagram(input, input.length, 1);
      ep.tick(10_000);
      checkBounded(ep.reassembler);
    },
  },
];
