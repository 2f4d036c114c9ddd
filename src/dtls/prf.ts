// TLS 1.2 PRF (RFC 5246 §5): P_hash(secret, label + seed) with HMAC-SHA256 or -SHA384,
// plus the derivations built on it (extended master secret RFC 7627, key block,
// Finished verify_data, RFC 5705 exporter).
import { createHash, createHmac } from 'node:crypto';

export type PrfHash = 'sha256' | 'sha384';

/** PRF(secret, label, seed) truncated to `length` bytes. */
export function prf(hash: PrfHash, secret: Buffer, label: string, seed: Buffer, length: number): Buffer {
  const labelSeed = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  const out = Buffer.alloc(length);
  let a = labelSeed; // A(0)
  let off = 0;
  while (off < length) {
    a = createHmac(hash, secret).update(a).digest(); // A(i) = HMAC(secret, A(i-1))
    const block = createHmac(hash, secret).update(a).update(labelSeed).digest();
    off += block.copy(out, off);
  }
  return out;
}

/** RFC 7627 §4: master_secret = PRF(pms, "extended master secret", session_hash)[0..47]. */
export function extendedMasterSecret(hash: PrfHash, preMasterSecret: Buffer, sessionHash: Buffer): Buffer {
  return prf(hash, preMasterSecret, 'extended master secret', sessionHash, 48);
}

/** RFC 5246 §6.3: key_block = PRF(master, "key expansion", server_random + client_random). */
export function keyBlock(hash: PrfHash, master: Buffer, clientRandom: Buffer, serverRandom: Buffer, length: number): Buffer {
  return prf(hash, master, 'key expansion', Buffer.concat([serverRandom, clientRandom]), length);
}

/** RFC 5246 §7.4.9: verify_data = PRF(master, finished_label, Hash(handshake_messages))[0..11]. */
export function finishedVerifyData(hash: PrfHash, master: Buffer, fromClient: boolean, transcript: Buffer): Buffer {
  const h = createHash(hash).update(transcript).digest();
  return prf(hash, master, fromClient ? 'client finished' : 'server finished', h, 12);
}

/** RFC 5705 §4: PRF(master, label, client_random + server_random [+ context_length + context]). */
export function exportKeyingMaterial(
  hash: PrfHash, master: Buffer, clientRandom: Buffer, serverRandom: Buffer,
  label: string, length: number, context?: Buffer,
): Buffer {
  const parts = [clientRandom, serverRandom];
  if (context) {
    if (context.length > 0xffff) throw new RangeError('dtls: exporter context longer than 65535 bytes');
    const len = Buffer.alloc(2);
    len.writeUInt16BE(context.length);
    parts.push(len, context);
  }
  return prf(hash, master, label, Buffer.concat(parts), length);
}
