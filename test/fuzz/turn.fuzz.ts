// Fuzz targets for the embedded TURN server (src/turn):
//  - TurnCore.handleClient on one client link that holds a live allocation (permission
//    and channel bound): every mutated STUN request / indication / ChannelData goes
//    through the STUN codec, TurnAttributes, the authenticator and the data paths. It
//    must never throw, and the relay must never send to a peer outside the allow-list.
//  - TurnAttributes over any message StunMessageView accepts: every offset it reports
//    stays inside the message.
//  - ChannelDataView: Ok only with the data inside the input, channel in 0x4000-0x7FFF.
//  - StreamFramer (TURN over TCP): the same frames and verdict whatever the chunking,
//    each frame's length what its header says, never over MAX_FRAME.
import type { FuzzTarget } from './harness.js';
import { ParseStatus, StunMessageView } from '../../src/stun/index.js';
import {
  ATTR_DATA, ATTR_LIFETIME, ATTR_XOR_PEER_ADDRESS, ChannelDataStatus, ChannelDataView, MAX_FRAME, METHOD_CHANNEL_BIND,
  METHOD_CREATE_PERMISSION, METHOD_REFRESH, METHOD_SEND, StreamFramer, TurnAttributes, frameLength, messageType,
  writeChannelDataHeader,
} from '../../src/turn/index.js';
import { CLASS_INDICATION, CLASS_REQUEST } from '../../src/stun/index.js';
import { Bench } from '../turn/harness.js';

// --- TurnCore with a live allocation --------------------------------------------------
const bench = new Bench();
const client = bench.client();
await client.allocate();
client.permit(['203.0.113.5']);
client.bind(0x4001, '203.0.113.5', 7000);
if (!bench.core.allocationFor(client.link)) throw new Error('turn fuzz setup: no allocation');
const relay = bench.relay();

function chan(channel: number, data: Buffer, pad: number): Buffer {
  const b = Buffer.alloc(4 + data.length + pad);
  writeChannelDataHeader(b, 0, channel, data.length);
  data.copy(b, 4);
  return b;
}

function coreSeeds(): Buffer[] {
  const rtp = Buffer.alloc(160, 0x33); rtp[0] = 0x80; rtp[1] = 111;
  return [
    client.build(messageType(METHOD_REFRESH, CLASS_REQUEST), (b) => b.u32(ATTR_LIFETIME, 600)),
    client.build(messageType(METHOD_CREATE_PERMISSION, CLASS_REQUEST), (b) => b.xorAddressText(ATTR_XOR_PEER_ADDRESS, '203.0.113.5', 0).xorAddressText(ATTR_XOR_PEER_ADDRESS, '10.1.2.3', 0)),
    client.build(messageType(METHOD_CHANNEL_BIND, CLASS_REQUEST), (b) => b.u32(0x000c, 0x4002 << 16).xorAddressText(ATTR_XOR_PEER_ADDRESS, '203.0.113.5', 7001)),
    client.build(messageType(METHOD_SEND, CLASS_INDICATION), (b) => b.xorAddressText(ATTR_XOR_PEER_ADDRESS, '203.0.113.5', 7000).bytes(ATTR_DATA, rtp), { sign: false }),
    client.build(messageType(METHOD_SEND, CLASS_INDICATION), (b) => b.xorAddressText(ATTR_XOR_PEER_ADDRESS, '198.51.100.1', 7000).bytes(ATTR_DATA, rtp), { sign: false }),
    chan(0x4001, rtp, 0),
    chan(0x4001, rtp.subarray(0, 7), 1),
    chan(0x4003, rtp, 0),
  ];
}

// Allow-list of the bench: 203.0.113.5 (any port), 203.0.113.6:9000, 10.1.0.0/16.
function allowed(address: string, port: number): boolean {
  return address === '203.0.113.5' || (address === '203.0.113.6' && port === 9000) || address.startsWith('10.1.');
}

const core: FuzzTarget = {
  name: 'turn core (client messages on a live allocation; never an open relay)',
  seeds: coreSeeds,
  run(input) {
    relay.sent.length = 0;
    client.link.out.length = 0;
    bench.core.handleClient(client.link, input, 0, input.length);
    for (const s of relay.sent) if (!allowed(s.address, s.port)) throw new Error(`relayed to ${s.address}:${s.port}, not allow-listed`);
    for (const r of bench.relays.opened) for (const s of r.sent) if (!allowed(s.address, s.port)) throw new Error(`relayed to ${s.address}:${s.port}`);
    for (const r of bench.relays.opened) r.sent.length = 0;
  },
};

// --- TurnAttributes ----------------------------------------------------------------------
const view = new StunMessageView();
const attrs = new TurnAttributes();
const attributes: FuzzTarget = {
  name: 'turn attributes (offsets inside the message)',
  seeds: () => coreSeeds().filter((b) => (b[0] & 0xc0) === 0),
  run(input) {
    if (view.reset(input, 0, input.length) !== ParseStatus.Ok) return;
    attrs.read(view);
    const end = input.length;
    const inside = (off: number, len: number): boolean => off < 0 || (off >= 20 && off + len <= end);
    if (!inside(attrs.lifetime, 4) || !inside(attrs.requestedTransport, 4) || !inside(attrs.channelNumber, 4)) throw new Error('fixed-size attribute outside the message');
    if (!inside(attrs.data, attrs.dataLength)) throw new Error('DATA outside the message');
    if (!inside(attrs.evenPort, 1) || !inside(attrs.reservationToken, 8)) throw new Error('EVEN-PORT / RESERVATION-TOKEN outside');
    for (let i = 0; i < attrs.peerCount; i++) if (!inside(attrs.peer[i]!, attrs.peerLength[i]!)) throw new Error('XOR-PEER-ADDRESS outside the message');
  },
};

// --- ChannelDataView -----------------------------------------------------------------------
const cd = new ChannelDataView();
const channelData: FuzzTarget = {
  name: 'turn channeldata view',
  seeds: () => coreSeeds().filter((b) => (b[0] & 0xc0) === 0x40),
  run(input) {
    const off = input.length ? input[0]! % 4 : 0;
    const st = cd.reset(input, off, input.length - off);
    if (st !== ChannelDataStatus.Ok) return;
    if (cd.channel < 0x4000 || cd.channel > 0x7fff) throw new Error(`channel ${cd.channel}`);
    if (cd.dataOffset !== off + 4 || cd.dataOffset + cd.dataLength > input.length) throw new Error('data outside the input');
  },
};

// --- StreamFramer ----------------------------------------------------------------------------
let sigWhole = 0, sigSplit = 0, frames = 0, bytes = 0;
const whole = new StreamFramer((b, off, len) => {
  if (len > MAX_FRAME || len < 4) throw new Error(`frame of ${len} bytes`);
  if (frameLength(b, off) !== len) throw new Error('frame length is not what its header says');
  sigWhole = (sigWhole * 31 + len + b[off]! + b[off + len - 1]!) | 0; frames++; bytes += len;
});
const split = new StreamFramer((b, off, len) => { sigSplit = (sigSplit * 31 + len + b[off]! + b[off + len - 1]!) | 0; });

function framerSeeds(): Buffer[] {
  const s = coreSeeds();
  const stream = Buffer.concat(s.map((m) => ((m[0]! & 0xc0) === 0x40 ? Buffer.concat([m, Buffer.alloc((4 - (m.length & 3)) & 3)]) : m)));
  return [Buffer.concat([Buffer.from([5]), stream]), Buffer.concat([Buffer.from([1]), s[0]!.subarray(0, 10)]), Buffer.concat([Buffer.from([40]), stream, Buffer.from([0x80, 0, 0, 4])])];
}

const framer: FuzzTarget = {
  name: 'turn stream framer (split invariance)',
  seeds: framerSeeds,
  run(input) {
    if (input.length === 0) return;
    const step = 1 + (input[0]! % 64);
    // Each run is a fresh connection.
    const w = whole, sp = split;
    w.reset(); sp.reset();
    sigWhole = 0; sigSplit = 0; frames = 0; bytes = 0;
    const body = input.subarray(1);
    const okWhole = w.push(body);
    let okSplit = true;
    for (let p = 0; p < body.length && okSplit; p += step) okSplit = sp.push(body.subarray(p, Math.min(body.length, p + step)));
    if (okWhole !== okSplit) throw new Error('chunking changed the verdict');
    if (sigWhole !== sigSplit) throw new Error('chunking changed the frames');
    if (bytes > body.length || w.frames !== frames) throw new Error('frames exceed the input');
    if (okWhole && bytes + w.pendingBytes !== body.length) throw new Error('bytes neither framed nor held');
  },
};

export const targets: FuzzTarget[] = [core, attributes, channelData, framer];
/** The core target's bench (a check that its seeds reach the data paths). */
export { bench as turnFuzzBench };
