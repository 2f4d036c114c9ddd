// Small, independent readers used to label captured datagrams (not the project's codecs:
// fixtures must be described by code that does not share bugs with what they test).
import { createHmac } from 'node:crypto';

export interface DtlsRecordInfo {
  contentType: number;
  /** e.g. 'handshake', 'change_cipher_spec', 'alert', 'application_data', 'dtls13_ciphertext'. */
  kind: string;
  version?: string;
  epoch?: number;
  length: number;
  /** Handshake header fields when the record is a plaintext handshake fragment. */
  handshake?: { type: number; name: string; length: number; messageSeq: number; fragmentOffset: number; fragmentLength: number };
}

const CT: Record<number, string> = { 20: 'change_cipher_spec', 21: 'alert', 22: 'handshake', 23: 'application_data', 25: 'ack' };
const HS: Record<number, string> = {
  0: 'hello_request', 1: 'client_hello', 2: 'server_hello', 3: 'hello_verify_request', 4: 'new_session_ticket',
  8: 'encrypted_extensions', 11: 'certificate', 12: 'server_key_exchange', 13: 'certificate_request',
  14: 'server_hello_done', 15: 'certificate_verify', 16: 'client_key_exchange', 20: 'finished',
};

/** Walks the DTLS records of one datagram (RFC 6347 §4.1; DTLS 1.3 unified headers noted, not parsed). */
export function describeDtls(p: Buffer): DtlsRecordInfo[] {
  const out: DtlsRecordInfo[] = [];
  let off = 0;
  for (let i = 0; i < 64 && off < p.length; i++) {
    const ct = p[off]!;
    if ((ct & 0xe0) === 0x20) { // DTLS 1.3 unified header (RFC 9147 §4): rest of datagram if no length bit
      const hasLen = (ct & 0x04) !== 0;
      const seqLen = (ct & 0x08) ? 2 : 1;
      const hdr = 1 + ((ct & 0x10) ? 1 : 0) + seqLen + (hasLen ? 2 : 0);
      const len = hasLen ? p.readUInt16BE(off + hdr - 2) : p.length - off - hdr;
      out.push({ contentType: ct, kind: 'dtls13_ciphertext', length: len });
      off += hdr + len;
      continue;
    }
    if (off + 13 > p.length) break;
    const version = p.readUInt16BE(off + 1).toString(16).toUpperCase();
    const epoch = p.readUInt16BE(off + 3);
    const len = p.readUInt16BE(off + 11);
    const rec: DtlsRecordInfo = { contentType: ct, kind: CT[ct] ?? `type_${ct}`, version, epoch, length: len };
    const b = off + 13;
    if (ct === 22 && epoch === 0 && b + 12 <= p.length) {
      const type = p[b]!;
      rec.handshake = {
        type, name: HS[type] ?? `type_${type}`, length: p.readUIntBE(b + 1, 3), messageSeq: p.readUInt16BE(b + 4),
        fragmentOffset: p.readUIntBE(b + 6, 3), fragmentLength: p.readUIntBE(b + 9, 3),
      };
    }
    out.push(rec);
    off = b + len;
  }
  return out;
}

export interface StunInfo {
  type: number;
  /** 'binding_request' | 'binding_success' | ... */
  name: string;
  transactionId: string;
  attributes: Array<{ type: number; name: string; length: number }>;
  username?: string;
  /** Offset of the MESSAGE-INTEGRITY attribute header, or -1. */
  integrityOffset: number;
}

const ATTR: Record<number, string> = {
  0x0006: 'USERNAME', 0x0008: 'MESSAGE-INTEGRITY', 0x0020: 'XOR-MAPPED-ADDRESS', 0x0024: 'PRIORITY',
  0x0025: 'USE-CANDIDATE', 0x8028: 'FINGERPRINT', 0x8029: 'ICE-CONTROLLED', 0x802a: 'ICE-CONTROLLING',
  0xc057: 'GOOG-NETWORK-INFO', 0x8054: 'CANDIDATE-IDENTIFIER', 0xc059: 'GOOG-MISC-INFO',
  0xc060: 'GOOG-DELTA', 0xc061: 'GOOG-DELTA-ACK', 0x001c: 'META-DTLS-IN-STUN', 0xc070: 'META-DTLS-IN-STUN-ACK',
};
const TYPES: Record<number, string> = { 0x0001: 'binding_request', 0x0101: 'binding_success', 0x0111: 'binding_error', 0x0011: 'binding_indication' };

/** Reads a STUN header and attribute list (RFC 5389 §6, §15). */
export function describeStun(p: Buffer): StunInfo | undefined {
  if (p.length < 20 || p.readUInt32BE(4) !== 0x2112a442) return undefined;
  const type = p.readUInt16BE(0);
  const end = Math.min(p.length, 20 + p.readUInt16BE(2));
  const info: StunInfo = {
    type, name: TYPES[type] ?? `type_0x${type.toString(16)}`, transactionId: p.subarray(8, 20).toString('hex'),
    attributes: [], integrityOffset: -1,
  };
  let off = 20;
  for (let i = 0; i < 64 && off + 4 <= end; i++) {
    const t = p.readUInt16BE(off);
    const len = p.readUInt16BE(off + 2);
    info.attributes.push({ type: t, name: ATTR[t] ?? `0x${t.toString(16).padStart(4, '0')}`, length: len });
    if (t === 0x0006) info.username = p.toString('utf8', off + 4, off + 4 + len);
    if (t === 0x0008) info.integrityOffset = off;
    off += 4 + len + ((4 - (len % 4)) % 4);
  }
  return info;
}

/**
 * Checks MESSAGE-INTEGRITY (RFC 5389 §15.4, short-term credential: key = the ICE password):
 * HMAC-SHA1 over the message up to the attribute, with the header length covering it.
 */
export function verifyStunIntegrity(p: Buffer, password: string): boolean {
  const info = describeStun(p);
  if (!info || info.integrityOffset < 0) return false;
  const mi = info.integrityOffset;
  const copy = Buffer.from(p.subarray(0, mi));
  copy.writeUInt16BE(mi + 24 - 20, 2);
  const mac = createHmac('sha1', password).update(copy).digest();
  return mac.equals(p.subarray(mi + 4, mi + 24));
}

/** RTP/RTCP header summary (RFC 3550 §5.1, §6.4). */
export function describeRtp(p: Buffer): { payloadType: number; seq: number; timestamp: number; ssrc: number; marker: boolean; extension: boolean } {
  return {
    payloadType: p[1]! & 0x7f, marker: (p[1]! & 0x80) !== 0, extension: (p[0]! & 0x10) !== 0,
    seq: p.readUInt16BE(2), timestamp: p.readUInt32BE(4), ssrc: p.readUInt32BE(8),
  };
}
export function describeRtcp(p: Buffer): { packetType: number; count: number; ssrc: number; srtcpIndexWord: number } {
  // SRTCP: the E flag + 31-bit index sit right before the 10-byte auth tag (RFC 3711 §3.4).
  const w = p.length >= 14 ? p.readUInt32BE(p.length - 14) : 0;
  return { packetType: p[1]!, count: p[0]! & 0x1f, ssrc: p.readUInt32BE(4), srtcpIndexWord: w };
}
