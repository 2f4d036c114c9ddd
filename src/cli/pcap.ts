// `npm run pcap -- <command>`: look into captures (pcap or pcapng, any size: read in
// constant memory) and decrypt SDES-keyed SRTP ones.
//
//   npm run pcap -- info FILE [--port N] [--clock PT=RATE]... [--min-packets N] [--json]
//   npm run pcap -- decrypt FILE --key BASE64 [--key BASE64]... [--profile SUITE]
//                   [--ssrc N] [--drop-failed] -o OUT
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import {
  CaptureReader, PcapStatus, PcapError, PcapWriter, PcapngWriter, FileSink, RtpCaptureInfo, CaptureDecryptor,
  SDES_SUITES, parseSdesKey, CARRIER_NAMES, type CaptureWriter, type RtpStreamStats, type UdpRtpFlow, type DecryptCounts, type CaptureCounts,
} from '../pcap/index.js';

export const HELP = `Usage: npm run pcap -- <command> FILE [options]

  info FILE            RTP / RTCP streams in a pcap or pcapng capture: per SSRC payload
                       types, packets, duration, bitrate, loss, reordering, duplicates,
                       interarrival jitter (RFC 3550); RTCP packet counts by type.
                       Found over UDP, over TCP (RFC 4571 framing, ICE-TCP; streams are
                       reassembled) and relayed by TURN (ChannelData, Send / Data
                       indications, over UDP or TCP): relayed flows are shown between the
                       client and its peer, "relayed by" the TURN server.
    --port N           only packets to or from port N (alias --rtp-port; for relayed
                       ones: the client's or the peer's port)
    --clock PT=RATE    RTP clock rate for a payload type (repeatable). Defaults: static
                       types per RFC 3551, 111 -> 48000, other 96-127 -> 90000
    --min-packets N    hide RTP streams with fewer packets [2; 1 with --port]
    --json             one JSON line instead of the table

  decrypt FILE -o OUT  SRTP/SRTCP -> RTP/RTCP with SDES master keys (a=crypto inline
                       keys: base64 of key||salt). Same timestamps, addresses, link layer;
                       IP/UDP lengths fixed. OUT has FILE's format (pcap or pcapng).
                       Datagrams over TCP (RFC 4571, TURN) and relayed by TURN are
                       written as UDP pseudo-packets (relayed: client <-> peer), in
                       place of the TCP segments / TURN messages that carried them.
    --key BASE64       master key||salt (repeatable: one per direction; each direction
                       keeps the first key that authenticates)
    --profile SUITE    AES_CM_128_HMAC_SHA1_80 (default), AES_CM_128_HMAC_SHA1_32,
                       AEAD_AES_128_GCM, AEAD_AES_256_GCM
    --ssrc N           decrypt only this SSRC (decimal or 0x hex)
    --drop-failed      leave out packets that fail authentication (default: keep as is)
`;

class UsageError extends Error {}

export interface InfoReport {
  file: string;
  format: string;
  counts: CaptureCounts;
  /** Set when the capture could not be read to its end (the numbers cover what was read). */
  error?: { code: string; message: string };
  flows: {
    src: string; srcPort: number; dst: string; dstPort: number;
    /** udp, tcp (RFC 4571), turn-udp or turn-tcp (relayed: src/dst are the client and its peer). */
    carrier: string;
    /** For relayed flows: the TURN server "ip:port". */
    relay?: string;
    /** ChannelData on a channel whose ChannelBind is not in the capture: the addresses are the outer ones. */
    unknownChannel?: number;
    rtcp: { packets: number; unparsed: number; byType: Record<string, number> };
    streams: ReturnType<typeof streamJson>[];
  }[];
}

const RTCP_NAMES: Record<number, string> = { 200: 'SR', 201: 'RR', 202: 'SDES', 203: 'BYE', 204: 'APP', 205: 'RTPFB', 206: 'PSFB', 207: 'XR' };
const iso = (us: number) => new Date(Math.floor(us / 1000)).toISOString().replace('Z', `${String(us % 1000).padStart(3, '0')}Z`);
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const hp = (addr: string, port: number) => (addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`);

function streamJson(s: RtpStreamStats) {
  return {
    ssrc: s.ssrc, ssrcHex: `0x${s.ssrc.toString(16).padStart(8, '0')}`, payloadTypes: s.payloadTypes,
    packets: s.packets, expected: s.expected, lost: s.lost, lossPercent: s.expected ? r3((100 * s.lost) / s.expected) : 0,
    duplicates: s.duplicates, reordered: s.reordered,
    firstUs: s.firstUs, lastUs: s.lastUs, first: iso(s.firstUs), last: iso(s.lastUs), durationS: r3(s.durationUs / 1e6),
    bytes: s.bytes, bitrateBps: Math.round(s.bitrate), clockRate: s.clockRate,
    jitterMs: r3(s.jitterMs), maxJitterMs: r3(s.maxJitterMs), meanJitterMs: r3(s.meanJitterMs),
  };
}

/** Analyse a capture file. Throws PcapError for an unreadable capture. */
export function pcapInfo(file: string, opts: { port?: number; clockRates?: Map<number, number>; minPackets?: number } = {}): InfoReport {
  const r = CaptureReader.openFile(file);
  const info = new RtpCaptureInfo({ port: opts.port, clockRates: opts.clockRates });
  let error: InfoReport['error'];
  try {
    const s = info.addAll(r);
    if (s !== PcapStatus.END) {
      const e = r.error(s);
      if (r.packets === 0) throw e; // not a capture at all
      error = { code: e.code, message: e.message };
    }
  } finally { r.close(); }
  const min = opts.minPackets ?? (opts.port !== undefined ? 1 : 2);
  const flows: InfoReport['flows'] = [];
  for (const f of info.flows.values()) {
    const streams = [...f.ssrcs.values()].filter((s) => s.packets >= min).map(streamJson);
    if (!streams.length && !f.rtcpPackets) continue;
    flows.push({
      src: f.src, srcPort: f.srcPort, dst: f.dst, dstPort: f.dstPort, carrier: CARRIER_NAMES[f.carrier],
      ...(f.relay ? { relay: f.relay } : {}), ...(f.peerUnknown ? { unknownChannel: f.channel } : {}), rtcp: rtcpJson(f), streams,
    });
  }
  return { file, format: r.format, counts: info.counts, ...(error ? { error } : {}), flows };
}

function rtcpJson(f: UdpRtpFlow): InfoReport['flows'][number]['rtcp'] {
  const byType: Record<string, number> = {};
  for (const [t, n] of [...f.rtcpByType].sort((a, b) => a[0] - b[0])) byType[RTCP_NAMES[t] ?? String(t)] = n;
  return { packets: f.rtcpPackets, unparsed: f.rtcpUnparsed, byType };
}

export function formatInfo(rep: InfoReport): string {
  const c = rep.counts;
  const t = c.turn, ts = c.tcpStreams;
  const out = [`${rep.file} (${rep.format}): ${c.packets} packets, ${c.udp} UDP, ${c.tcp} TCP, ${c.rtp} RTP, ${c.rtcp} RTCP` +
    (c.relayed ? ` (${c.relayed} relayed by TURN)` : '') +
    (c.fragments ? `, ${c.fragments} IP fragments skipped` : '') + (c.notUdp ? `, ${c.notUdp} not UDP` : '') + (c.badLength ? `, ${c.badLength} malformed/truncated` : '')];
  if (t.channelData || t.sendIndications || t.dataIndications || t.channelBinds) {
    out.push(`TURN: ${t.channelData} ChannelData, ${t.sendIndications} Send and ${t.dataIndications} Data indications, ${t.channelBinds} ChannelBind requests` +
      (t.unknownChannel ? `, ${t.unknownChannel} ChannelData on channels bound before the capture (peer unknown)` : ''));
  }
  if (c.tcp) {
    out.push(`TCP: ${ts.streams} streams, ${c.tcpFrames} framed datagrams, ${ts.outOfOrder} out-of-order and ${ts.retransmitted} retransmitted segments, ` +
      `${ts.gaps} holes (${ts.gapBytes} bytes never captured), ${ts.skippedBytes} bytes skipped resyncing` +
      (ts.unframedStreams ? `, ${ts.unframedStreams} streams neither RFC 4571 nor TURN` : '') + (ts.unplacedBytes ? `, ${ts.unplacedBytes} bytes not placed` : ''));
  }
  const head = ['source', 'destination', 'via', 'SSRC', 'PT', 'packets', 'lost', 'loss%', 'dup', 'reord', 'duration s', 'kbit/s', 'jitter ms', 'mean jitter', 'max jitter'];
  const rows: string[][] = [];
  for (const f of rep.flows) {
    for (const s of f.streams) {
      rows.push([hp(f.src, f.srcPort), hp(f.dst, f.dstPort), via(f), s.ssrcHex, s.payloadTypes.join(','), String(s.packets), String(s.lost), s.lossPercent.toFixed(2),
        String(s.duplicates), String(s.reordered), s.durationS.toFixed(3), (s.bitrateBps / 1000).toFixed(1),
        ...(s.clockRate ? [s.jitterMs, s.meanJitterMs, s.maxJitterMs].map((x) => x.toFixed(3)) : ['-', '-', '-'])]);
    }
  }
  if (rows.length) {
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => r.map((x, i) => (i < 4 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  ').trimEnd();
    out.push('', line(head), ...rows.map(line));
  } else out.push('', 'no RTP streams found');
  const rt = rep.flows.filter((f) => f.rtcp.packets || f.rtcp.unparsed);
  if (rt.length) {
    out.push('', 'RTCP');
    for (const f of rt) {
      const types = Object.entries(f.rtcp.byType).map(([k, v]) => `${k} ${v}`).join(', ');
      out.push(`  ${hp(f.src, f.srcPort)} -> ${hp(f.dst, f.dstPort)} (${via(f)}): ${f.rtcp.packets} packets (${types})${f.rtcp.unparsed ? `, ${f.rtcp.unparsed} compounds not parsed to the end (SRTCP?)` : ''}`);
    }
  }
  return out.join('\n') + '\n';
}

/** How a flow travelled: "udp", "tcp", "turn-udp 10.0.0.9:3478" (relayed via that TURN server). */
function via(f: InfoReport['flows'][number]): string {
  if (!f.relay) return f.carrier;
  return `${f.carrier} relayed by ${f.relay}${f.unknownChannel !== undefined ? ` ch 0x${f.unknownChannel.toString(16)} (peer unknown)` : ''}`;
}

/** Decrypt `file` into `outFile` (same format). Throws PcapError / SrtpConfigError. */
export function pcapDecrypt(file: string, outFile: string, opts: { keys: string[]; profile: number; ssrc?: number; dropFailed?: boolean }): DecryptCounts & { format: string } {
  const keys = opts.keys.map((k) => parseSdesKey(k, opts.profile));
  const dec = new CaptureDecryptor({ profile: opts.profile, keys, ssrc: opts.ssrc, dropFailed: opts.dropFailed });
  const r = CaptureReader.openFile(file);
  let sink: FileSink | null = null;
  try {
    let s = r.next();
    if (s !== PcapStatus.OK && s !== PcapStatus.END) throw r.error(s);
    sink = new FileSink(outFile);
    let w: CaptureWriter;
    let add: ((lt: number, nanos: boolean) => number) | null = null;
    if (r.format === 'pcapng') {
      const ng = new PcapngWriter(sink, { interfaces: [] });
      add = (lt, nanos) => ng.addInterface({ linkType: lt, tsResolution: nanos ? 'ns' : 'us' });
      w = ng;
    } else {
      const ifc = r.interfaces[0];
      w = new PcapWriter(sink, { linkType: ifc.linkType, nanos: ifc.tsresol === 9, snapLen: Math.max(ifc.snapLen, 65535) });
    }
    for (; s === PcapStatus.OK; s = r.next()) dec.process(r, w, dec.outputInterface(r, add));
    if (s !== PcapStatus.END) throw r.error(s);
    dec.finish(); // TCP bytes that waited behind a hole go out on the last packet's interface
    return { ...dec.counts, format: r.format };
  } finally {
    dec.close();
    sink?.close();
    r.close();
  }
}

function int(name: string, v: string | undefined, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = /^0x[0-9a-f]+$/i.test(v) ? parseInt(v, 16) : /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`${name} must be an integer 0..${max}, got ${v}`);
  return n;
}

/** Run the command; returns the exit code (0 ok, 1 capture/key error, 2 usage). */
export function runPcapCli(argv: string[], io: { out: (s: string) => void; err: (s: string) => void }): number {
  try {
    const [cmd, ...rest] = argv;
    if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') { io.out(HELP); return cmd ? 0 : 2; }
    const { values, positionals } = parseArgs({
      args: rest, allowPositionals: true, strict: true,
      options: {
        port: { type: 'string' }, 'rtp-port': { type: 'string' }, clock: { type: 'string', multiple: true },
        json: { type: 'boolean' }, 'min-packets': { type: 'string' },
        key: { type: 'string', multiple: true }, profile: { type: 'string' }, ssrc: { type: 'string' },
        'drop-failed': { type: 'boolean' }, o: { type: 'string', short: 'o' }, output: { type: 'string' },
      },
    });
    if (positionals.length !== 1) throw new UsageError(`${cmd} takes one capture file`);
    const file = positionals[0];
    if (cmd === 'info') {
      const clockRates = new Map<number, number>();
      for (const c of values.clock ?? []) {
        const m = /^(\d+)=(\d+)$/.exec(c);
        if (!m || Number(m[1]) > 127 || Number(m[2]) === 0) throw new UsageError(`--clock wants PT=RATE (e.g. 111=48000), got ${c}`);
        clockRates.set(Number(m[1]), Number(m[2]));
      }
      const rep = pcapInfo(file, { port: int('--port', values.port ?? values['rtp-port'], 65535), clockRates, minPackets: int('--min-packets', values['min-packets'], 1e9) });
      io.out(values.json ? JSON.stringify(rep) + '\n' : formatInfo(rep));
      if (rep.error) { io.err(`${rep.error.message} (the numbers above cover the packets before it)\n`); return 1; }
      return 0;
    }
    if (cmd === 'decrypt') {
      const out = values.o ?? values.output;
      if (!out) throw new UsageError('decrypt needs -o OUT');
      if (!values.key?.length) throw new UsageError('decrypt needs --key BASE64 (key||salt)');
      const suite = values.profile ?? 'AES_CM_128_HMAC_SHA1_80';
      const profile = SDES_SUITES[suite];
      if (profile === undefined) throw new UsageError(`unknown --profile ${suite} (${Object.keys(SDES_SUITES).join(', ')})`);
      const c = pcapDecrypt(file, out, { keys: values.key, profile, ssrc: int('--ssrc', values.ssrc, 0xffffffff), dropFailed: values['drop-failed'] });
      const line = `${out} (${c.format}): ${c.packets} packets: ${c.rtpDecrypted} SRTP and ${c.rtcpDecrypted} SRTCP decrypted, ${c.authFailed} failed authentication, ` +
        `${c.replayed} replayed, ${c.malformed} malformed, ${c.skippedSsrc} other SSRC, ${c.notSrtp} not SRTP` +
        (c.unwrapped ? `; ${c.unwrapped} datagrams from TCP / TURN written as UDP` : '');
      io.out((values.json ? JSON.stringify({ out, ...c }) : line) + '\n');
      return c.authFailed && !c.rtpDecrypted && !c.rtcpDecrypted ? 1 : 0;
    }
    throw new UsageError(`unknown command ${cmd} (info, decrypt)`);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (e as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      io.err(`pcap: ${(e as Error).message}\n(see npm run pcap -- --help)\n`);
      return 2;
    }
    if (e instanceof PcapError || (e as Error).name === 'SrtpConfigError' || (e as { code?: string }).code === 'ENOENT') {
      io.err(`${(e as Error).message}\n`);
      return 1;
    }
    throw e;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = runPcapCli(process.argv.slice(2), { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
}
