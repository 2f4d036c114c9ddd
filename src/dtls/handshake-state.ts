// What one handshake accumulates: randoms, the negotiated parameters, the transcript
// (RFC 6347 §4.2.6: each message hashed as if unfragmented, DTLS header included),
// and the outgoing message_seq counter.
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { wholeMessage } from './handshake-header.js';
import type { OutMessage } from './flight.js';
import type { EphemeralKey } from './key-exchange.js';
import type { SuiteInfo } from './suites.js';

export class HandshakeState {
  clientRandom: Buffer = Buffer.alloc(0);
  serverRandom: Buffer = Buffer.alloc(0);
  suite: SuiteInfo | null = null;
  group = 0;
  srtpProfile: number | undefined;
  master: Buffer | null = null;
  ephemeral: EphemeralKey | null = null;
  peerCertificate: Buffer | null = null;
  peerPublicKey: KeyObject | null = null;
  /** Our next outgoing message_seq. */
  sendSeq = 0;
  /** Whole messages hashed so far (concatenated on demand: a handshake is a few KB). */
  readonly #transcript: Buffer[] = [];

  /** Add a received message to the transcript. */
  addReceived(msgType: number, messageSeq: number, body: Buffer): void {
    this.#transcript.push(wholeMessage(msgType, messageSeq, body));
  }

  /** Make one of our handshake messages (next message_seq) and add it to the transcript. */
  out(msgType: number, body: Buffer, epoch = 0): OutMessage {
    const messageSeq = this.sendSeq++;
    this.#transcript.push(wholeMessage(msgType, messageSeq, body));
    return { kind: 'handshake', msgType, messageSeq, body, epoch };
  }

  transcript(): Buffer { return Buffer.concat(this.#transcript); }

  transcriptHash(): Buffer {
    return createHash(this.suite?.prfHash ?? 'sha256').update(this.transcript()).digest();
  }

  clearTranscript(): void { this.#transcript.length = 0; }
}

export const CCS_MESSAGE: OutMessage = { kind: 'ccs', msgType: 0, messageSeq: -1, body: Buffer.alloc(0), epoch: 0 };

/** The certificate's public key when it is ECDSA P-256, else null. Never throws. */
export function ecdsaP256Key(der: Buffer): KeyObject | null {
  try {
    const key = new X509Certificate(der).publicKey;
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return null;
    return key;
  } catch {
    return null;
  }
}
