// ServerKeyExchange for ECDHE_ECDSA (RFC 8422 §5.4):
//   ServerECDHParams: curve_type(1)=named_curve(3) namedcurve(2) public<1..255>
//   DigitallySigned:  SignatureAndHashAlgorithm(2) signature<0..2^16-1>
// The signature covers client_random + server_random + ServerECDHParams.
import { Reader, Writer } from './wire.js';

const NAMED_CURVE = 3;

export interface ServerKeyExchange {
  group: number;
  publicKey: Buffer;
  /** The ServerECDHParams bytes (what the signature covers after the randoms). */
  params: Buffer;
  signatureScheme: number;
  signature: Buffer;
}

export function parseServerKeyExchange(body: Buffer): ServerKeyExchange | null {
  const r = new Reader(body);
  const curveType = r.u8();
  const group = r.u16();
  const publicKey = r.vec8();
  const paramsEnd = r.off;
  const signatureScheme = r.u16();
  const signature = r.vec16();
  if (!r.ok || !r.done || curveType !== NAMED_CURVE || publicKey.length === 0) return null;
  return { group, publicKey, params: body.subarray(0, paramsEnd), signatureScheme, signature };
}

export function buildEcdhParams(group: number, publicKey: Buffer): Buffer {
  return new Writer().u8(NAMED_CURVE).u16(group).vec8(publicKey).finish();
}

export function buildServerKeyExchange(params: Buffer, signatureScheme: number, signature: Buffer): Buffer {
  return new Writer().bytes(params).u16(signatureScheme).vec16(signature).finish();
}

/** client_random + server_random + params: the bytes signed in ServerKeyExchange. */
export function serverKeyExchangeSigned(clientRandom: Buffer, serverRandom: Buffer, params: Buffer): Buffer {
  return Buffer.concat([clientRandom, serverRandom, params]);
}
