// Twirp bodies <-> plain objects, through the protobufjs types of proto/livekit_room.proto:
// application/protobuf (binary) and application/json (proto3's JSON mapping, as
// livekit-server-sdk sends it: lowerCamel names, enums by name, 64-bit ints as strings,
// bytes base64; snake_case names accepted too, unknown fields skipped as Twirp's Go
// server does). Handlers see camelCase objects with defaults filled (proto3 semantics).
//
// JSON is checked field by field (a string where a bool belongs is `malformed`, naming
// the field), because protobufjs' fromObject coerces anything silently.
import protobuf from 'protobufjs';
import { TwirpError } from './errors.js';

const TO_PLAIN: protobuf.IConversionOptions = { longs: Number, enums: Number, bytes: Buffer, defaults: true, arrays: true, objects: true };
const TO_JSON: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, defaults: true, arrays: true, objects: true, json: true };

const snake = (camel: string): string => camel.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());

const INT32 = new Set(['int32', 'sint32', 'sfixed32']);
const UINT32 = new Set(['uint32', 'fixed32']);
const INT64 = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);

function bad(path: string, what: string): TwirpError {
  return new TwirpError('malformed', `${path} ${what}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readScalar(type: string, v: unknown, path: string): unknown {
  if (type === 'string') { if (typeof v !== 'string') throw bad(path, 'must be a string'); return v; }
  if (type === 'bool') { if (typeof v !== 'boolean') throw bad(path, 'must be true or false'); return v; }
  if (type === 'bytes') {
    if (typeof v !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) throw bad(path, 'must be a base64 string');
    return Buffer.from(v, 'base64');
  }
  if (type === 'double' || type === 'float') {
    if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return Number(v);
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || Number.isNaN(n)) throw bad(path, 'must be a number');
    return n;
  }
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw bad(path, 'must be an integer');
  if (INT32.has(type) && (n < -(2 ** 31) || n >= 2 ** 31)) throw bad(path, 'is out of the int32 range');
  if (UINT32.has(type) && (n < 0 || n >= 2 ** 32)) throw bad(path, 'is out of the uint32 range');
  if (INT64.has(type) && !Number.isSafeInteger(n)) throw bad(path, 'is too large');
  if (type.startsWith('uint') || type.startsWith('fixed')) { if (n < 0) throw bad(path, 'must not be negative'); }
  return n;
}

function readValue(f: protobuf.Field, v: unknown, path: string): unknown {
  const rt = f.resolvedType;
  if (rt instanceof protobuf.Type) return readMessage(rt, v, path);
  if (rt instanceof protobuf.Enum) {
    if (typeof v === 'string' && Object.hasOwn(rt.values, v)) return rt.values[v];
    if (typeof v === 'number' && Number.isInteger(v) && Object.values(rt.values).includes(v)) return v;
    throw bad(path, `is not a ${rt.name} value`);
  }
  return readScalar(f.type, v, path);
}

function fieldsByJsonName(T: protobuf.Type): Map<string, protobuf.Field> {
  const m = new Map<string, protobuf.Field>();
  for (const f of T.fieldsArray) { m.set(f.name, f); m.set(snake(f.name), f); }
  return m;
}
const nameCache = new WeakMap<protobuf.Type, Map<string, protobuf.Field>>();

/** proto3 JSON object -> the plain object protobufjs' fromObject takes. Throws TwirpError malformed. */
export function readMessage(T: protobuf.Type, json: unknown, path = T.name): Record<string, unknown> {
  if (!isPlainObject(json)) throw bad(path, 'must be a JSON object');
  let names = nameCache.get(T);
  if (!names) nameCache.set(T, (names = fieldsByJsonName(T)));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json)) {
    const f = names.get(k);
    if (!f || v === null) continue;
    const p = `${path}.${k}`;
    if (f instanceof protobuf.MapField) {
      if (!isPlainObject(v)) throw bad(p, 'must be an object');
      const m: Record<string, unknown> = {};
      for (const [mk, mv] of Object.entries(v)) m[mk] = readValue(f, mv, `${p}[${JSON.stringify(mk)}]`);
      out[f.name] = m;
    } else if (f.repeated) {
      if (!Array.isArray(v)) throw bad(p, 'must be an array');
      out[f.name] = v.map((x, i) => readValue(f, x, `${p}[${i}]`));
    } else out[f.name] = readValue(f, v, p);
  }
  return out;
}

/** Renames a toObject(json) result to proto field names, recursively (map keys kept). */
function toProtoNames(T: protobuf.Type, o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of T.fieldsArray) {
    const v = o[f.name];
    if (v === undefined) continue;
    const rt = f.resolvedType;
    const conv = (x: unknown): unknown => (rt instanceof protobuf.Type && isPlainObject(x) ? toProtoNames(rt, x) : x);
    if (f instanceof protobuf.MapField) out[snake(f.name)] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, conv(x)]));
    else if (f.repeated) out[snake(f.name)] = (v as unknown[]).map(conv);
    else out[snake(f.name)] = conv(v);
  }
  return out;
}

export type TwirpFormat = 'json' | 'protobuf';

/** Body -> plain camelCase object with defaults. Throws TwirpError malformed naming the problem. */
export function decodeBody(T: protobuf.Type, body: Buffer, format: TwirpFormat): Record<string, unknown> {
  let msg: protobuf.Message;
  if (format === 'json') {
    let json: unknown;
    try {
      json = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch (e) {
      throw new TwirpError('malformed', `the json request could not be decoded: ${(e as Error).message}`);
    }
    msg = T.fromObject(readMessage(T, json));
  } else {
    try {
      msg = T.decode(body);
    } catch (e) {
      throw new TwirpError('malformed', `the protobuf request could not be decoded: ${(e as Error).message}`);
    }
  }
  return T.toObject(msg, TO_PLAIN);
}

/** Plain camelCase object -> response body in the request's format. */
export function encodeBody(T: protobuf.Type, obj: Record<string, unknown>, format: TwirpFormat): Buffer {
  const msg = T.fromObject(obj);
  if (format === 'protobuf') return Buffer.from(T.encode(msg).finish());
  return Buffer.from(JSON.stringify(toProtoNames(T, T.toObject(msg, TO_JSON))));
}
