// Hello extensions (RFC 5246 §7.4.1.4) and the few bodies we read or write:
// use_srtp (RFC 5764 §4.1.1), supported_groups / ec_point_formats (RFC 8422),
// signature_algorithms (RFC 5246 §7.4.1.4.1), extended_master_secret (RFC 7627),
// renegotiation_info (RFC 5746), supported_versions (RFC 8446 §4.2.1, read only).
import { ExtensionType } from './constants.js';
import { Reader, Writer } from './wire.js';

export type Extensions = Map<number, Buffer>;

/** Read `extensions<0..2^16-1>` if present. Returns null on a malformed or duplicated entry. */
export function readExtensions(r: Reader): Extensions | null {
  const exts: Extensions = new Map();
  if (r.done) return exts; // extensions are optional
  const block = r.vec16();
  if (!r.ok) return null;
  const er = new Reader(block);
  while (er.ok && !er.done) {
    const type = er.u16();
    const data = er.vec16();
    if (!er.ok || exts.has(type)) return null;
    exts.set(type, data);
  }
  return er.ok ? exts : null;
}

export function writeExtensions(w: Writer, exts: ReadonlyArray<[number, Buffer]>): void {
  const end = w.lengthPrefix16();
  for (const [type, data] of exts) w.u16(type).vec16(data);
  end();
}

/** A list of u16 inside a vec16 (supported_groups, signature_algorithms). null if malformed. */
export function readU16List(data: Buffer, lengthBytes: 1 | 2 = 2): number[] | null {
  const r = new Reader(data);
  const body = lengthBytes === 2 ? r.vec16() : r.vec8();
  if (!r.ok || !r.done || body.length % 2) return null;
  const out: number[] = [];
  for (let i = 0; i < body.length; i += 2) out.push(body.readUInt16BE(i));
  return out;
}

export function u16List(values: readonly number[], lengthBytes: 1 | 2 = 2): Buffer {
  const w = new Writer();
  if (lengthBytes === 2) w.u16(values.length * 2); else w.u8(values.length * 2);
  for (const v of values) w.u16(v);
  return w.finish();
}

export interface UseSrtp { profiles: number[]; mki: Buffer }

/** use_srtp: SRTPProtectionProfiles<2..2^16-1> + srtp_mki<0..255>. */
export function readUseSrtp(data: Buffer): UseSrtp | null {
  const r = new Reader(data);
  const list = r.vec16();
  const mki = r.vec8();
  if (!r.ok || !r.done || list.length % 2 || list.length === 0) return null;
  const profiles: number[] = [];
  for (let i = 0; i < list.length; i += 2) profiles.push(list.readUInt16BE(i));
  return { profiles, mki };
}

export function useSrtp(profiles: readonly number[]): Buffer {
  const w = new Writer();
  w.u16(profiles.length * 2);
  for (const p of profiles) w.u16(p);
  w.u8(0); // no MKI
  return w.finish();
}

/** ec_point_formats with only `uncompressed` (0). */
export const UNCOMPRESSED_POINTS = Buffer.from([1, 0]);
/** An empty renegotiation_info (initial handshake). */
export const EMPTY_RENEGOTIATION_INFO = Buffer.from([0]);

/** The point formats list includes uncompressed (or the extension is absent: then it is implied). */
export function pointFormatsOk(exts: Extensions): boolean {
  const d = exts.get(ExtensionType.ecPointFormats);
  if (!d) return true;
  const r = new Reader(d);
  const list = r.vec8();
  return r.ok && list.includes(0);
}
