// Fuzz targets for src/sctp: the packet view plus every chunk reader over what it
// accepts (checksum recomputed so mutations reach the chunk parsers), and an established
// association fed mutated packets of a real exchange (a malformed chunk may abort it —
// that is counted and it is rebuilt — but nothing may throw inside).
import type { FuzzTarget } from './harness.js';
import { SctpAssociation } from '../../src/sctp/association.js';
import { decodeOpen, encodeOpen } from '../../src/sctp/dcep.js';
import { ChunkType, Drop } from '../../src/sctp/constants.js';
import { PacketView, finishPacket, writeCommonHeader } from '../../src/sctp/packet.js';
import { InitFields, readInit, writeInit } from '../../src/sctp/chunks/init.js';
import { DataFields, readData, writeData } from '../../src/sctp/chunks/data.js';
import { SackFields, readSack, writeSack } from '../../src/sctp/chunks/sack.js';
import { ForwardTsnFields, readForwardTsn, writeForwardTsn } from '../../src/sctp/chunks/forward-tsn.js';
import { ReconfigParam, checkReconfig, readReconfigParam, writeOutgoingReset, writeReconfigResponse } from '../../src/sctp/chunks/reconfig.js';
import { readFirstCause, readHeartbeat, readShutdown, writeCause, writeHeartbeat, writeShutdown } from '../../src/sctp/chunks/control.js';

function pkt(tag: number, ...w: ((b: Buffer, o: number) => number)[]): Buffer {
  const b = Buffer.alloc(1500);
  let p = writeCommonHeader(b, 0, 5000, 5000, tag);
  for (const f of w) p += f(b, p);
  finishPacket(b, 0, p);
  return Buffer.from(b.subarray(0, p));
}

export function sctpSeeds(tag = 0x01020304): Buffer[] {
  const data = Buffer.from('seed payload for the sctp fuzzer');
  return [
    pkt(0, (b, o) => writeInit(b, o, { initiateTag: 7, rwnd: 65536, outboundStreams: 16, inboundStreams: 16, initialTsn: 1 })),
    pkt(tag, (b, o) => writeInit(b, o, { initiateTag: 7, rwnd: 65536, outboundStreams: 16, inboundStreams: 16, initialTsn: 1 }, Buffer.alloc(56, 3))),
    pkt(tag, (b, o) => writeData(b, o, 3, 100, 1, 0, 51, data, 0, data.length), (b, o) => writeData(b, o, 2, 101, 2, 0, 53, data, 0, 9), (b, o) => writeData(b, o, 5, 102, 2, 0, 53, data, 9, 20)),
    pkt(tag, (b, o) => writeSack(b, o, 99, 100000, Uint16Array.from([2, 3, 5, 8]), 2, Uint32Array.from([97]), 1)),
    pkt(tag, (b, o) => writeForwardTsn(b, o, 105, Uint16Array.from([1, 2]), 1)),
    pkt(tag, (b, o) => writeOutgoingReset(b, o, 1, 0, 100, [1, 2, 3])),
    pkt(tag, (b, o) => writeReconfigResponse(b, o, 1, 1)),
    pkt(tag, (b, o) => writeHeartbeat(b, o, ChunkType.Heartbeat, data, 0, 12), (b, o) => writeShutdown(b, o, 100)),
    pkt(tag, (b, o) => writeCause(b, o, ChunkType.Abort, 0, 12, Buffer.from('x'))),
  ];
}

const view = new PacketView();
const init = new InitFields();
const dataF = new DataFields();
const sack = new SackFields();
const fwd = new ForwardTsnFields();
const rp = new ReconfigParam();

const codec: FuzzTarget = {
  name: 'sctp packet + chunk readers',
  seeds: () => sctpSeeds(),
  run(input) {
    if (input.length >= 12) finishPacket(input, 0, input.length); // reach the chunk parsers
    if (view.reset(input, 0, input.length) !== Drop.None) return;
    let covered = 12;
    for (let p = view.firstChunk(); p >= 0; p = view.nextChunk(p)) {
      const l = view.chunkLength(p);
      covered += (l + 3) & ~3;
      switch (view.chunkType(p)) {
        case ChunkType.Init: case ChunkType.InitAck:
          if (readInit(input, p, l, init) === Drop.None && init.cookieOffset >= 0 && init.cookieOffset + init.cookieLength > p + l) throw new Error('cookie outside its chunk');
          break;
        case ChunkType.Data:
          if (readData(input, p, l, dataF) === Drop.None && dataF.payloadOffset + dataF.payloadLength > input.length) throw new Error('payload outside the packet');
          break;
        case ChunkType.Sack:
          if (readSack(input, p, l, sack) === Drop.None) { for (let i = 0; i < sack.gapCount; i++) sack.gapEnd(i); for (let i = 0; i < sack.dupCount; i++) sack.dupTsn(i); }
          break;
        case ChunkType.ForwardTsn:
          if (readForwardTsn(input, p, l, fwd) === Drop.None) for (let i = 0; i < fwd.streamCount; i++) fwd.ssn(i);
          break;
        case ChunkType.Reconfig:
          if (checkReconfig(input, p, l) === Drop.None) {
            for (let q = p + 4; q < p + l;) {
              const n = readReconfigParam(input, q, rp);
              if (n < 0) break;
              for (let i = 0; i < rp.streamCount; i++) rp.stream(i);
              q += n;
            }
          }
          break;
        case ChunkType.Heartbeat: readHeartbeat(input, p, l); break;
        case ChunkType.Shutdown: readShutdown(input, p, l); break;
        case ChunkType.Abort: case ChunkType.Error: readFirstCause(input, p, l); break;
      }
    }
    // The last chunk may end unpadded; everything else tiles the packet exactly.
    if (covered < input.length || covered > input.length + 3) throw new Error(`chunks cover ${covered} of ${input.length}`);
  },
};

export const targets: FuzzTarget[] = [codec];

// ---- the association: mutated packets (checksum fixed, usually our tag) at an established peer ----
function syncPair(capture?: Buffer[]) {
  let now = 1000;
  const toA: Buffer[] = [];
  const toB: Buffer[] = [];
  const mk = (box: Buffer[], rec: boolean) => new SctpAssociation({
    now: () => now, schedule: () => { /* polled by hand */ }, remoteMaxMessageSize: 0,
    output: (b, l) => { const c = Buffer.from(b.subarray(0, l)); box.push(c); if (rec) capture?.push(c); },
  });
  const a = mk(toB, true);
  const b = mk(toA, false);
  const pump = () => {
    for (let i = 0; i < 1000 && (toA.length || toB.length); i++) {
      const x = toB.shift(); if (x) b.handlePacket(x);
      const y = toA.shift(); if (y) a.handlePacket(y);
    }
  };
  a.connect();
  pump();
  return { a, b, pump, tick: (ms: number) => { now += ms; a.poll(now); b.poll(now); pump(); } };
}

function associationSeeds(): Buffer[] {
  const cap: Buffer[] = [];
  const p = syncPair(cap);
  p.a.send(1, 51, Buffer.from('hello'));
  p.a.send(2, 53, Buffer.alloc(3000, 7));
  p.a.send(3, 51, Buffer.from('unordered'), { ordered: false, maxRetransmits: 0 });
  p.tick(1);
  p.a.resetStreams([1]);
  p.tick(1);
  p.tick(300);
  return cap.length ? cap : sctpSeeds();
}

let fz = syncPair();
const internalErrors = (a: SctpAssociation) => a.closedReason?.message.includes('internal error');

const association: FuzzTarget = {
  name: 'sctp association (established) handlePacket',
  seeds: associationSeeds,
  run(input) {
    if (fz.b.closed) {
      if (internalErrors(fz.b)) throw new Error(`association threw inside: ${fz.b.closedReason?.message}`);
      fz = syncPair();
    }
    if (input.length >= 12) {
      if (input[11] & 7) input.writeUInt32BE(fz.b.localTag, 4); // most inputs reach the chunk handlers
      finishPacket(input, 0, input.length);
    }
    fz.b.handlePacket(input);
    if (internalErrors(fz.b)) throw new Error(`association threw inside: ${fz.b.closedReason?.message}`);
    if (fz.b.sender.flight < 0 || fz.b.sender.buffered < 0) throw new Error('negative flight/buffered');
  },
};

targets.push(association);

// ---- DCEP: DATA_CHANNEL_OPEN parsing; what it accepts must re-encode to the same bytes ----
const dcep: FuzzTarget = {
  name: 'dcep DATA_CHANNEL_OPEN decode',
  seeds: () => [
    encodeOpen({ label: 'chat', protocol: 'json', ordered: true, maxRetransmits: null, maxPacketLifeTime: null, priority: 256 }),
    encodeOpen({ label: '_lossy', protocol: '', ordered: false, maxRetransmits: 0, maxPacketLifeTime: null, priority: 256 }),
    encodeOpen({ label: 'ラベル', protocol: 'p', ordered: true, maxRetransmits: null, maxPacketLifeTime: 3000, priority: 0 }),
    Buffer.from([2]),
  ],
  run(input) {
    const p = decodeOpen(input);
    if (!p) return;
    // Labels that are not valid UTF-8 decode with replacement characters, so only check
    // the fixed part and that re-encoding works.
    const again = encodeOpen(p);
    if (again[0] !== input[0] || (again[1] & 0x80) !== (input[1] & 0x80)) throw new Error('re-encoded OPEN differs in its fixed part');
  },
};
targets.push(dcep);
