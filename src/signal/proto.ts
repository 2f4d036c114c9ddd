// Loads proto/livekit_rtc.proto (+ livekit_models.proto, livekit_join.proto) with protobufjs at runtime and
// encodes/decodes SignalRequest and SignalResponse.
//
// Why runtime loading: the .proto files stay the single source of truth, and the path
// resolves the same from src/signal/*.ts (tsx) and dist/signal/*.js (tsc output), both
// two folders below the package root where proto/ lives, so no copy step is needed.
// A deployment that ships dist/ must ship proto/ beside it.
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { SignalRequest, SignalResponse } from './messages.js';

/** Folder holding the .proto files: <package root>/proto. */
export const PROTO_DIR = fileURLToPath(new URL('../../proto/', import.meta.url));

let root: protobuf.Root | undefined;

/** The protobufjs Root with every livekit.* type we know (loaded once). */
export function signalProtoRoot(): protobuf.Root {
  if (!root) {
    root = protobuf.loadSync([PROTO_DIR + 'livekit_rtc.proto', PROTO_DIR + 'livekit_join.proto']);
    root.resolveAll();
  }
  return root;
}

let requestType: protobuf.Type | undefined;
let responseType: protobuf.Type | undefined;

function reqType(): protobuf.Type {
  return (requestType ??= signalProtoRoot().lookupType('livekit.SignalRequest'));
}
function resType(): protobuf.Type {
  return (responseType ??= signalProtoRoot().lookupType('livekit.SignalResponse'));
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: Number, bytes: Buffer };

/** Plain object of a decoded message, with `message` = the name of the top-level oneof case set. */
function toPlain(T: protobuf.Type, bytes: Uint8Array): Record<string, unknown> {
  const obj = T.toObject(T.decode(bytes), TO_OBJECT);
  for (const f of T.oneofs.message.fieldsArray) {
    if (obj[f.name] !== undefined) { obj.message = f.name; break; }
  }
  return obj;
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Decode one SignalRequest frame. Never throws: malformed protobuf comes back as
 * `{ ok: false, reason }`. A well-formed frame whose oneof case we do not know decodes
 * with `message` undefined (the caller answers UNSUPPORTED_TYPE).
 */
export function decodeSignalRequest(bytes: Uint8Array): DecodeResult<SignalRequest> {
  try {
    return { ok: true, value: toPlain(reqType(), bytes) as SignalRequest };
  } catch (e) {
    return { ok: false, reason: `malformed SignalRequest: ${(e as Error).message}` };
  }
}

/** Encode a SignalResponse (exactly one oneof case should be set). */
export function encodeSignalResponse(res: SignalResponse & { message?: string }): Uint8Array {
  const T = resType();
  const obj: Record<string, unknown> = { ...res };
  delete obj.message;
  return T.encode(T.fromObject(obj)).finish();
}

/** Encode a SignalRequest (clients and tests). */
export function encodeSignalRequest(req: SignalRequest): Uint8Array {
  const T = reqType();
  const obj: Record<string, unknown> = { ...req };
  delete obj.message;
  return T.encode(T.fromObject(obj)).finish();
}

/** Decode a SignalResponse (clients and tests). Never throws. */
export function decodeSignalResponse(bytes: Uint8Array): DecodeResult<SignalResponse & { message?: string }> {
  try {
    return { ok: true, value: toPlain(resType(), bytes) as SignalResponse & { message?: string } };
  } catch (e) {
    return { ok: false, reason: `malformed SignalResponse: ${(e as Error).message}` };
  }
}
