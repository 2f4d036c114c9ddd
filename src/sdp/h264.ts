// H.264 profile-level-id (RFC 6184 §8.1): three hex bytes profile_idc, profile-iop
// (constraint_set0..5 flags, then 2 reserved zero bits), level_idc. Two H.264 formats
// are the same codec when they name the same PROFILE (profile_idc together with the
// constraint bits that define it, §8.2.2) and the same packetization-mode; the level may
// differ (an answer may name a lower or equal level).
//
// Profiles by profile_idc and profile-iop bit pattern (x = don't care), from the H.264
// spec's Annex A constraint flags as libwebrtc groups them:
//   Constrained Baseline: 42 x1xx0000 | 4D 1xxx0000 | 58 11xx0000
//   Baseline:             42 x0xx0000 | 58 10xx0000
//   Main:                 4D 0x0x0000
//   High:                 64 00000000
//   Constrained High:     64 00001100
//   Predictive High 4:4:4: F4 00000000

export type H264Profile = 'constrained-baseline' | 'baseline' | 'main' | 'high' | 'constrained-high' | 'predictive-high-444';

export interface H264ProfileLevel { profile: H264Profile; /** level_idc; level 1b is 0 */ level: number }

const PATTERNS: [number, string, H264Profile][] = [
  [0x42, 'x1xx0000', 'constrained-baseline'],
  [0x4d, '1xxx0000', 'constrained-baseline'],
  [0x58, '11xx0000', 'constrained-baseline'],
  [0x42, 'x0xx0000', 'baseline'],
  [0x58, '10xx0000', 'baseline'],
  [0x4d, '0x0x0000', 'main'],
  [0x64, '00000000', 'high'],
  [0x64, '00001100', 'constrained-high'],
  [0xf4, '00000000', 'predictive-high-444'],
];

function bitsMatch(pattern: string, byte: number): boolean {
  for (let i = 0; i < 8; i++) {
    const c = pattern[i];
    const bit = (byte >> (7 - i)) & 1;
    if (c !== 'x' && Number(c) !== bit) return false;
  }
  return true;
}

/** Level 1b: level_idc 11 with constraint_set3 in Baseline/Main/Extended, or level_idc 9. */
const LEVEL_1B = 0;

/**
 * Parses a profile-level-id. Missing means Constrained Baseline level 3.1, as libwebrtc
 * assumes for compatibility (RFC 6184 §8.1 would say Baseline level 1).
 */
export function parseH264ProfileLevelId(hex: string | undefined): H264ProfileLevel | undefined {
  if (hex === undefined) return { profile: 'constrained-baseline', level: 31 };
  if (!/^[0-9a-fA-F]{6}$/.test(hex)) return undefined;
  const idc = parseInt(hex.slice(0, 2), 16), iop = parseInt(hex.slice(2, 4), 16);
  let level = parseInt(hex.slice(4, 6), 16);
  if (level === 9 || (level === 11 && (iop & 0x10) !== 0 && idc !== 0x64 && idc !== 0xf4)) level = LEVEL_1B;
  for (const [pidc, pattern, profile] of PATTERNS) {
    if (pidc === idc && bitsMatch(pattern, iop)) return { profile, level };
  }
  return undefined;
}

/** Compares levels where 1b (0) sits between 1 (10) and 1.1 (11). */
export function h264LevelLess(a: number, b: number): boolean {
  const w = (l: number): number => (l === LEVEL_1B ? 10.5 : l);
  return w(a) < w(b);
}

/** profile-level-id text for a profile and level (used when we lower a level). */
export function formatH264ProfileLevelId(profileLevelIdHex: string, level: number): string {
  const idc = parseInt(profileLevelIdHex.slice(0, 2), 16);
  let iop = parseInt(profileLevelIdHex.slice(2, 4), 16);
  let levelIdc = level;
  if (level === LEVEL_1B) {
    if (idc === 0x64 || idc === 0xf4) levelIdc = 9;
    else { levelIdc = 11; iop |= 0x10; }
  } else if (idc !== 0x64 && idc !== 0xf4 && level === 11) iop &= ~0x10; // level 1.1, not 1b
  const h = (n: number): string => n.toString(16).padStart(2, '0');
  return h(idc) + h(iop) + h(levelIdc);
}

export interface H264Params { 'profile-level-id'?: string; 'packetization-mode'?: string }

/** Same profile (§8.2.2) and equal packetization-mode (absent = 0). */
export function h264SameCodec(a: Record<string, string>, b: Record<string, string>): boolean {
  const pa = parseH264ProfileLevelId(a['profile-level-id']);
  const pb = parseH264ProfileLevelId(b['profile-level-id']);
  if (!pa || !pb || pa.profile !== pb.profile) return false;
  return (a['packetization-mode'] ?? '0') === (b['packetization-mode'] ?? '0');
}
