// `pcap decrypt`: SDES-style master key(s) -> SrtpContext per direction (source ->
// destination address and port) -> each SRTP / SRTCP datagram replaced by its plaintext,
// IP / UDP lengths and checksums fixed, timestamps and link layer kept. With several
// keys (one per direction, as SDES gives), a direction takes the first key whose tag
// verifies and keeps it. Everything else is written through unchanged.
// TCP (RFC 4571 / TURN framed) and TURN-relayed traffic cannot be patched in place (a
// TCP segment holds parts of several datagrams), so every datagram found there is
// written as a UDP pseudo-packet (same time, the link type of its interface): RFC 4571
// ones between the TCP endpoints, relayed ones between the client and its peer (TURN
// control messages over TCP between the TCP endpoints), decrypted when it is SRTP/SRTCP.
// The TCP segments they came in are left out; those of unframed streams pass as they are.
import { SrtpContext, SrtpStatus, isSrtpProfile, srtpProfileInfo } from '../srtp/index.js';
import type { CaptureReader } from './capture-reader.js';
import type { CaptureWriter } from './capture-writer.js';
import { PcapStatus, PcapError } from './status.js';
import { UdpLocation, locateUdp, type UdpFlow } from './udp-locator.js';
import { MediaDemux, DemuxResult, Carrier, type MediaPacket } from './media-demux.js';
import { setUdpPayloadLength } from './udp-frame.js';
import { classifyRtp, UdpKind } from './rtp-detect.js';

/** SDES crypto-suite names (RFC 4568 §6.2, RFC 7714 §14.2) -> use_srtp profile ids. */
export const SDES_SUITES: Readonly<Record<string, number>> = Object.freeze({
  AES_CM_128_HMAC_SHA1_80: 0x0001,
  AES_CM_128_HMAC_SHA1_32: 0x0002,
  AEAD_AES_128_GCM: 0x0007,
  AEAD_AES_256_GCM: 0x0008,
});

/** Split base64(key || salt) (an a=crypto inline key) for `profile`. Throws PcapError PCAP_BAD_OPTION. */
export function parseSdesKey(base64: string, profile: number): { key: Buffer; salt: Buffer } {
  if (!isSrtpProfile(profile)) throw new PcapError('PCAP_BAD_OPTION', `unknown SRTP profile ${profile}`);
  const info = srtpProfileInfo(profile);
  const raw = Buffer.from(base64.split('|')[0], 'base64');
  const want = info.keyLength + info.saltLength;
  if (raw.length !== want) throw new PcapError('PCAP_BAD_OPTION', `${info.name} needs ${want} bytes of key||salt, the base64 key has ${raw.length}`);
  return { key: raw.subarray(0, info.keyLength), salt: raw.subarray(info.keyLength) };
}

export interface DecryptOptions {
  profile: number;
  /** One or more master key + salt pairs. */
  keys: { key: Uint8Array; salt: Uint8Array }[];
  /** Decrypt only packets of this SSRC (others pass through, counted as skipped). */
  ssrc?: number;
  /** Drop packets that failed authentication instead of writing them unchanged. */
  dropFailed?: boolean;
}

export interface DecryptCounts {
  packets: number;
  rtpDecrypted: number;
  rtcpDecrypted: number;
  authFailed: number;
  /** Replayed / too old (duplicates in the capture). */
  replayed: number;
  /** Too short or malformed for SRTP / SRTCP. */
  malformed: number;
  /** Not RTP/RTCP over UDP (STUN, DTLS, other protocols, fragments). */
  notSrtp: number;
  /** SRTP of another SSRC than --ssrc. */
  skippedSsrc: number;
  /** Datagrams from TCP streams or TURN messages written as UDP pseudo-packets (decrypted or not). */
  unwrapped: number;
}

export class CaptureDecryptor {
  readonly counts: DecryptCounts = { packets: 0, rtpDecrypted: 0, rtcpDecrypted: 0, authFailed: 0, replayed: 0, malformed: 0, notSrtp: 0, skippedSsrc: 0, unwrapped: 0 };
  private readonly loc = new UdpLocation();
  private frame = Buffer.alloc(65536 + 64);
  private readonly pkt = Buffer.alloc(65536 + 64);
  /** direction -> a context per key; chosen[dir] = index of the key that verified. */
  private readonly ctx = new Map<string, (SrtpContext | null)[]>();
  private readonly chosen = new Map<string, number>();
  private readonly ifMap = new Map<string, number>();
  private readonly demux = new MediaDemux((p) => this.inner(p));
  private w: CaptureWriter | null = null;
  private ifId = 0;

  constructor(private readonly opts: DecryptOptions) {
    if (opts.keys.length === 0) throw new PcapError('PCAP_BAD_OPTION', 'no SRTP key given');
    for (const k of opts.keys) new SrtpContext(opts.profile, k.key, k.salt).close(); // validate up front
  }

  /** Output interface for the reader's current interface (pcapng writers get one per input interface). */
  outputInterface(r: CaptureReader, addInterface: ((linkType: number, nanos: boolean) => number) | null): number {
    if (!addInterface) return 0;
    const key = `${r.section}:${r.interfaceId}`;
    let id = this.ifMap.get(key);
    if (id === undefined) {
      id = addInterface(r.linkType, r.interfaces[r.interfaceId]?.tsresol !== 6);
      this.ifMap.set(key, id);
    }
    return id;
  }

  /** Decrypt (or pass through) the reader's current packet into `w` on interface ifId. */
  process(r: CaptureReader, w: CaptureWriter, ifId: number): void {
    const c = this.counts;
    c.packets++;
    this.w = w; this.ifId = ifId;
    if (this.demux.add(r) === DemuxResult.REPLACED) return;
    const cap = r.capturedLength;
    if (this.frame.length < cap) this.frame = Buffer.alloc(cap);
    const f = this.frame, loc = this.loc;
    r.buf.copy(f, 0, r.dataOffset, r.dataOffset + cap);
    let outLen = cap;
    const s = locateUdp(f, 0, cap, r.linkType, loc);
    const kind = s === PcapStatus.OK ? classifyRtp(f, loc.payloadOffset, loc.payloadLength) : UdpKind.OTHER;
    if (kind === UdpKind.OTHER) c.notSrtp++;
    else {
      const off = loc.payloadOffset, len = loc.payloadLength;
      const ssrc = f.readUInt32BE(off + (kind === UdpKind.RTP ? 8 : 4));
      if (len < 8 || (this.opts.ssrc !== undefined && ssrc !== this.opts.ssrc)) c.skippedSsrc++;
      else {
        const n = this.unprotect(kind, f, off, len, loc);
        if (this.#tally(kind, n)) return;
        if (n >= 0) {
          f.set(this.pkt.subarray(0, n), off);
          outLen = setUdpPayloadLength(f, loc, n);
        }
      }
    }
    w.writeFrameNs(r.ts.sec, r.ts.ns, f, 0, outLen, ifId);
  }

  /** End of the capture: TCP datagrams held behind holes are written (with the last time seen). */
  finish(): void { this.demux.finish(); }

  /** A datagram from a TCP stream or a TURN message: decrypted when it is SRTP/SRTCP, written as a UDP pseudo-packet. */
  private inner(p: MediaPacket): void {
    if (p.carrier === Carrier.UDP || !this.w) return; // plain UDP: patched in place by process()
    const c = this.counts;
    c.unwrapped++;
    const kind = classifyRtp(p.buf, p.off, p.len);
    let out: Buffer = p.buf, off = p.off, len = p.len;
    if (kind === UdpKind.OTHER || p.turnControl) c.notSrtp++;
    else {
      const ssrc = p.len >= 12 ? p.buf.readUInt32BE(p.off + (kind === UdpKind.RTP ? 8 : 4)) : -1;
      if (p.len < 8 || (this.opts.ssrc !== undefined && ssrc !== this.opts.ssrc)) c.skippedSsrc++;
      else {
        const n = this.unprotect(kind, p.buf, p.off, p.len, p.flow);
        if (this.#tally(kind, n)) return;
        if (n >= 0) { out = this.pkt; off = 0; len = n; }
      }
    }
    this.w.writeUdpFlowNs(p.sec, p.ns, p.flow, out, off, len, this.ifId);
  }

  /** Close every SRTP context (frees their wasm key slots). */
  close(): void {
    for (const list of this.ctx.values()) for (const x of list) x?.close();
    this.ctx.clear();
  }

  /** Counts one unprotect result; true when the packet is to be left out (a failed tag with dropFailed). */
  #tally(kind: number, n: number): boolean {
    const c = this.counts;
    if (n >= 0) { if (kind === UdpKind.RTP) c.rtpDecrypted++; else c.rtcpDecrypted++; return false; }
    if (n === SrtpStatus.AUTH_FAILED) { c.authFailed++; return this.opts.dropFailed === true; }
    if (n === SrtpStatus.REPLAYED || n === SrtpStatus.TOO_OLD) c.replayed++;
    else c.malformed++;
    return false;
  }

  private unprotect(kind: number, f: Buffer, off: number, len: number, l: UdpFlow): number {
    const p = this.pkt;
    const dir = `${l.ipVersion === 4 ? l.srcIp : Buffer.from(l.src6).toString('hex')}:${l.srcPort}>${l.ipVersion === 4 ? l.dstIp : Buffer.from(l.dst6).toString('hex')}:${l.dstPort}`;
    let list = this.ctx.get(dir);
    if (!list) { list = this.opts.keys.map(() => null); this.ctx.set(dir, list); }
    const chosen = this.chosen.get(dir);
    let last: number = SrtpStatus.AUTH_FAILED;
    for (let i = 0; i < list.length; i++) {
      if (chosen !== undefined && i !== chosen) continue;
      let ctx = list[i];
      if (!ctx) {
        const k = this.opts.keys[i];
        // offline: a wide replay window, so capture reordering is not mistaken for replay
        ctx = list[i] = new SrtpContext(this.opts.profile, k.key, k.salt, { replayWindow: 32768, maxSsrcs: 1024 });
      }
      f.copy(p, 0, off, off + len);
      const n = kind === UdpKind.RTP ? ctx.unprotectRtp(p, len) : ctx.unprotectRtcp(p, len);
      if (n >= 0) { if (chosen === undefined) this.chosen.set(dir, i); return n; }
      last = n;
      if (n !== SrtpStatus.AUTH_FAILED) return n;
    }
    return last;
  }
}
