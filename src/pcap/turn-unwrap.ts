// The TURN messages that carry a client's traffic to and from its peers (RFC 8656):
// ChannelData (§12: channel 0x4000-0x4FFF; RFC 5766 clients use up to 0x7FFF, accepted too; 2-byte length, the datagram), Send and Data
// indications (§10, §11: STUN method 0x006 / 0x007, class indication, XOR-PEER-ADDRESS +
// DATA) and ChannelBind requests (§12.1, method 0x009: CHANNEL-NUMBER + XOR-PEER-ADDRESS,
// which is how a capture learns which peer a channel stands for). Just enough parsing
// for captures; src/turn has the server's own codec but src/pcap sits below it.

export const TurnKind = { NONE: 0, CHANNEL_DATA: 1, SEND: 2, DATA: 3, CHANNEL_BIND: 4 } as const;

const COOKIE = 0x2112a442;
const ATTR_CHANNEL_NUMBER = 0x000c, ATTR_XOR_PEER_ADDRESS = 0x0012, ATTR_DATA = 0x0013;

/** What parseTurn found; reused across calls. */
export class TurnMessage {
  kind: number = TurnKind.NONE;
  channel = 0;
  /** XOR-PEER-ADDRESS, decoded (0 family when absent). */
  peerFamily: 0 | 4 | 6 = 0;
  peerIp = 0;
  readonly peer6 = new Uint8Array(16);
  peerPort = 0;
  /** The carried datagram (ChannelData data, DATA attribute). */
  dataOffset = 0;
  dataLength = 0;
}

/**
 * Parse buf[off, off+len) as a TURN message that carries data (or binds a channel).
 * Returns its TurnKind (NONE for anything else: other STUN, ICE checks, junk). With
 * `exact`, a ChannelData's length must fill the message (up to 3 bytes of padding).
 */
export function parseTurn(buf: Uint8Array, off: number, len: number, out: TurnMessage, exact = true): number {
  out.kind = TurnKind.NONE;
  if (len < 4) return TurnKind.NONE;
  const b0 = buf[off];
  if (b0 >= 0x40 && b0 <= 0x7f) {
    const dl = (buf[off + 2] << 8) | buf[off + 3];
    if (4 + dl > len || (exact && len - 4 - dl > 3)) return TurnKind.NONE;
    out.channel = (b0 << 8) | buf[off + 1];
    out.peerFamily = 0;
    out.dataOffset = off + 4; out.dataLength = dl;
    return (out.kind = TurnKind.CHANNEL_DATA);
  }
  if (b0 > 3 || len < 20 || r32(buf, off + 4) !== COOKIE) return TurnKind.NONE;
  const type = (buf[off] << 8) | buf[off + 1];
  const mlen = (buf[off + 2] << 8) | buf[off + 3];
  if (20 + mlen > len || (mlen & 3)) return TurnKind.NONE;
  const method = ((type & 0x3e00) >> 2) | ((type & 0x00e0) >> 1) | (type & 0x000f);
  const cls = ((type & 0x0100) >> 7) | ((type & 0x0010) >> 4);
  const kind = cls === 1 && method === 6 ? TurnKind.SEND : cls === 1 && method === 7 ? TurnKind.DATA : cls === 0 && method === 9 ? TurnKind.CHANNEL_BIND : TurnKind.NONE;
  if (kind === TurnKind.NONE) return kind;
  out.peerFamily = 0; out.channel = 0; out.dataLength = -1;
  const end = off + 20 + mlen;
  for (let p = off + 20; p + 4 <= end;) {
    const at = (buf[p] << 8) | buf[p + 1], al = (buf[p + 2] << 8) | buf[p + 3];
    const v = p + 4;
    if (v + al > end) return TurnKind.NONE;
    if (at === ATTR_XOR_PEER_ADDRESS && out.peerFamily === 0 && al >= 8) {
      out.peerPort = ((buf[v + 2] << 8) | buf[v + 3]) ^ 0x2112;
      if (buf[v + 1] === 1) { out.peerFamily = 4; out.peerIp = (r32(buf, v + 4) ^ COOKIE) >>> 0; }
      else if (buf[v + 1] === 2 && al >= 20) {
        out.peerFamily = 6;
        // XOR with the cookie and the 96-bit transaction id (RFC 8489 §14.2)
        for (let i = 0; i < 16; i++) out.peer6[i] = buf[v + 4 + i] ^ buf[off + 4 + i];
      }
    } else if (at === ATTR_DATA && out.dataLength < 0) { out.dataOffset = v; out.dataLength = al; }
    else if (at === ATTR_CHANNEL_NUMBER && al >= 4) out.channel = (buf[v] << 8) | buf[v + 1];
    p = v + ((al + 3) & ~3);
  }
  if (out.peerFamily === 0) return TurnKind.NONE;
  if (kind === TurnKind.CHANNEL_BIND ? out.channel < 0x4000 || out.channel > 0x7fff : out.dataLength < 0) return TurnKind.NONE;
  return (out.kind = kind);
}

function r32(b: Uint8Array, o: number): number { return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0; }
