// The TURN attributes of one request or indication, read in one walk over a message that
// src/stun's StunMessageView already validated (StunMessageView keeps the offsets of the
// attributes ICE uses; this keeps the ones TURN adds). Offsets only, no object per attribute.
import { ATTR_MESSAGE_INTEGRITY, ATTR_MESSAGE_INTEGRITY_SHA256, ATTR_FINGERPRINT, type StunMessageView } from '../stun/index.js';
import {
  ATTR_ADDITIONAL_ADDRESS_FAMILY, ATTR_CHANNEL_NUMBER, ATTR_DATA, ATTR_DONT_FRAGMENT, ATTR_EVEN_PORT, ATTR_LIFETIME,
  ATTR_REQUESTED_ADDRESS_FAMILY, ATTR_REQUESTED_TRANSPORT, ATTR_RESERVATION_TOKEN, ATTR_XOR_PEER_ADDRESS,
} from './constants.js';

/** At most this many XOR-PEER-ADDRESS attributes in one CreatePermission (more: 400). */
export const MAX_PEER_ADDRESSES = 8;
export const MAX_UNKNOWN = 8;

// STUN attributes StunMessageView understands (it lists the unknown ones; we recheck here).
const STUN_KNOWN = new Set([0x0001, 0x0006, 0x0008, 0x0009, 0x000a, 0x0014, 0x0015, 0x001c, 0x001d, 0x001e, 0x0020, 0x0024, 0x0025]);

export const AttributeStatus = {
  Ok: 0,
  /** A TURN attribute with an impossible length, or too many peer addresses. */
  BadAttribute: 1,
} as const;
export type AttributeStatus = (typeof AttributeStatus)[keyof typeof AttributeStatus];

export class TurnAttributes {
  /** Value offsets (absolute), -1 when absent; first occurrence wins. */
  lifetime = -1;
  requestedTransport = -1;
  channelNumber = -1;
  data = -1; dataLength = 0;
  evenPort = -1;
  reservationToken = -1;
  requestedAddressFamily = -1;
  additionalAddressFamily = -1;
  dontFragment = false;
  peerCount = 0;
  readonly peer = new Int32Array(MAX_PEER_ADDRESSES);
  readonly peerLength = new Int32Array(MAX_PEER_ADDRESSES);
  /** Comprehension-required types neither STUN nor TURN knows (for 420 UNKNOWN-ATTRIBUTES). */
  unknownCount = 0;
  readonly unknown = new Uint16Array(MAX_UNKNOWN);

  /** Walks the attributes before MESSAGE-INTEGRITY of a message `v` accepted. Never throws. */
  read(v: StunMessageView): AttributeStatus {
    this.lifetime = this.requestedTransport = this.channelNumber = this.data = this.evenPort = -1;
    this.reservationToken = this.requestedAddressFamily = this.additionalAddressFamily = -1;
    this.dataLength = 0; this.dontFragment = false; this.peerCount = 0; this.unknownCount = 0;
    const b = v.buf;
    for (let p = v.firstAttribute(); p >= 0; p = v.nextAttribute(p)) {
      const t = (b[p] << 8) | b[p + 1];
      const l = (b[p + 2] << 8) | b[p + 3];
      const val = p + 4;
      if (t === ATTR_MESSAGE_INTEGRITY || t === ATTR_MESSAGE_INTEGRITY_SHA256 || t === ATTR_FINGERPRINT) break;
      switch (t) {
        case ATTR_LIFETIME: if (l !== 4) return AttributeStatus.BadAttribute; if (this.lifetime < 0) this.lifetime = val; break;
        case ATTR_REQUESTED_TRANSPORT: if (l !== 4) return AttributeStatus.BadAttribute; if (this.requestedTransport < 0) this.requestedTransport = val; break;
        case ATTR_CHANNEL_NUMBER: if (l !== 4) return AttributeStatus.BadAttribute; if (this.channelNumber < 0) this.channelNumber = val; break;
        case ATTR_DATA: if (this.data < 0) { this.data = val; this.dataLength = l; } break;
        case ATTR_EVEN_PORT: if (l !== 1) return AttributeStatus.BadAttribute; if (this.evenPort < 0) this.evenPort = val; break;
        case ATTR_RESERVATION_TOKEN: if (l !== 8) return AttributeStatus.BadAttribute; if (this.reservationToken < 0) this.reservationToken = val; break;
        case ATTR_REQUESTED_ADDRESS_FAMILY: if (l !== 4) return AttributeStatus.BadAttribute; if (this.requestedAddressFamily < 0) this.requestedAddressFamily = val; break;
        case ATTR_ADDITIONAL_ADDRESS_FAMILY: if (l !== 4) return AttributeStatus.BadAttribute; if (this.additionalAddressFamily < 0) this.additionalAddressFamily = val; break;
        case ATTR_DONT_FRAGMENT: if (l !== 0) return AttributeStatus.BadAttribute; this.dontFragment = true; break;
        case ATTR_XOR_PEER_ADDRESS:
          if (l !== 8 && l !== 20) return AttributeStatus.BadAttribute;
          if (this.peerCount >= MAX_PEER_ADDRESSES) return AttributeStatus.BadAttribute;
          this.peer[this.peerCount] = val; this.peerLength[this.peerCount] = l; this.peerCount++;
          break;
        default:
          if (t < 0x8000 && !STUN_KNOWN.has(t) && this.unknownCount < MAX_UNKNOWN) this.unknown[this.unknownCount++] = t;
      }
    }
    return AttributeStatus.Ok;
  }
}
