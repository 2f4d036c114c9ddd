import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseH264ProfileLevelId, h264SameCodec, h264LevelLess, formatH264ProfileLevelId } from '../../src/sdp/index.js';

// profile-level-id values and the profile they name (RFC 6184 §8.1 and H.264 Annex A).
const CASES: [string, string, number][] = [
  ['42e01f', 'constrained-baseline', 31], // constraint_set1 set
  ['42c01f', 'constrained-baseline', 31],
  ['42001f', 'baseline', 31],
  ['42000a', 'baseline', 10],
  ['4d001f', 'main', 31],
  ['4d401f', 'main', 31], // constraint_set1 alone does not make Main constrained
  ['4d801f', 'constrained-baseline', 31], // Main with constraint_set0 = Constrained Baseline
  ['58c01f', 'constrained-baseline', 31],
  ['58801f', 'baseline', 31],
  ['640032', 'high', 50],
  ['640c1f', 'constrained-high', 31],
  ['f4001f', 'predictive-high-444', 31],
];
for (const [hex, profile, level] of CASES) {
  test(`profile-level-id ${hex} is ${profile} level ${level}`, () => {
    assert.equal(parseH264ProfileLevelId(hex), { profile, level });
  });
}

test('level 1b: level_idc 11 with constraint_set3 (baseline) and level_idc 9', () => {
  assert.equal(parseH264ProfileLevelId('42f00b'), { profile: 'constrained-baseline', level: 0 });
  assert.equal(parseH264ProfileLevelId('640009'), { profile: 'high', level: 0 });
  assert.ok(h264LevelLess(10, 0) && h264LevelLess(0, 11));
  assert.is(formatH264ProfileLevelId('42e01f', 0), '42f00b');
  assert.is(formatH264ProfileLevelId('640c1f', 0), '640c09');
  assert.is(formatH264ProfileLevelId('42e01f', 0x16), '42e016');
});

test('unknown profiles and junk are not parsed', () => {
  assert.is(parseH264ProfileLevelId('6e001f'), undefined); // High 10
  assert.is(parseH264ProfileLevelId('42e0'), undefined);
  assert.is(parseH264ProfileLevelId('zzzzzz'), undefined);
  assert.is(parseH264ProfileLevelId('42e01f0'), undefined);
});

test('missing profile-level-id means constrained baseline 3.1', () => {
  assert.equal(parseH264ProfileLevelId(undefined), { profile: 'constrained-baseline', level: 31 });
});

test('same codec: profile and packetization-mode must match, level need not', () => {
  const cb = (lvl: string, pm?: string): Record<string, string> => ({ 'profile-level-id': `42e0${lvl}`, ...(pm ? { 'packetization-mode': pm } : {}) });
  assert.ok(h264SameCodec(cb('1f', '1'), cb('34', '1')));
  assert.ok(h264SameCodec(cb('1f', '1'), { 'profile-level-id': '4d801f', 'packetization-mode': '1' })); // both constrained baseline
  assert.not.ok(h264SameCodec(cb('1f', '1'), cb('1f', '0')));
  assert.ok(h264SameCodec(cb('1f'), cb('1f', '0'))); // absent = 0
  assert.not.ok(h264SameCodec(cb('1f', '1'), { 'profile-level-id': '42001f', 'packetization-mode': '1' }));
  assert.not.ok(h264SameCodec({ 'profile-level-id': '640c1f', 'packetization-mode': '1' }, { 'profile-level-id': '64001f', 'packetization-mode': '1' }));
  assert.not.ok(h264SameCodec({ 'profile-level-id': 'nothex', 'packetization-mode': '1' }, cb('1f', '1')));
});

test.run();
