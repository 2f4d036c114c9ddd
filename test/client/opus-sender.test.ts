// The synthetic publisher produces valid Opus RTP: packets parsed by werift-rtp (an
// independent implementation), payloads decoded back with @evan/opus (energy > 0),
// timestamps +960 per 20 ms frame (also across DTX gaps), an RFC 6464 level that matches
// the decoded audio, abs-capture-time near the send time, and seeded ±2 ms pacing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Decoder } from '@evan/opus';
import { RtpPacket } from 'werift-rtp';
import { NTP_UNIX_OFFSET_MS, OpusSender, RTP_TS_STEP, audioLevelDbov, encodeSpeech, synthesizeVoice, wallMs, type EncodedSpeech } from '../../src/client/index.js';
import { readAbsCaptureTimeMs } from '../../src/rtp/index.js';

const speech = encodeSpeech();

function sender(sp: EncodedSpeech, dtx: boolean, out: Buffer[], seed = 7): OpusSender {
  return new OpusSender({
    speech: sp, ssrc: 0xdeadbeef, payloadType: 111, audioLevelId: 1, transportCcId: 3, midId: 4, absCaptureTimeId: 5, mid: '0',
    dtx, seed, twcc: { seq: 100 }, send: (b, n) => { out.push(Buffer.from(b.subarray(0, n))); return true; },
  });
}

/** Drives a sender with a fake clock in 0.25 ms steps; returns the send times. */
function drive(s: OpusSender, ms: number, out: Buffer[]): number[] {
  const times: number[] = [];
  s.start(1000);
  for (let t = 1000; t < 1000 + ms; t += 0.25) {
    const before = out.length;
    s.poll(t);
    for (let k = before; k < out.length; k++) times.push(t);
  }
  return times;
}

test('speech source: the fixture WAV (or the synthetic voice) encodes into 20 ms Opus frames', () => {
  assert.ok(speech.count > 50, `${speech.count} frames`);
  assert.ok(speech.voiced.some((v) => v === 1) && speech.voiced.some((v) => v === 0), 'speech has voiced and silent frames');
  for (let f = 0; f < speech.count; f++) assert.ok(speech.lengths[f]! > 0 && speech.lengths[f]! < 400);
});

test('RTP: werift-rtp parses every packet; seq +1, ts +960, ssrc, PT, extensions; Opus decodes with energy', () => {
  const out: Buffer[] = [];
  const s = sender(speech, false, out);
  drive(s, 2000, out);
  assert.ok(out.length >= 99 && out.length <= 101, `${out.length} packets in 2 s`);
  const dec = new Decoder({ channels: 2, sample_rate: 48000 });
  let energy = 0;
  let levelChecked = 0;
  const levels: number[] = [], decodedLevels: number[] = [];
  for (let i = 0; i < out.length; i++) {
    const p = RtpPacket.deSerialize(out[i]!);
    const h = p.header;
    assert.is(h.version, 2);
    assert.is(h.ssrc, 0xdeadbeef);
    assert.is(h.payloadType, 111);
    if (i > 0) {
      const prev = RtpPacket.deSerialize(out[i - 1]!).header;
      assert.is(h.sequenceNumber, (prev.sequenceNumber + 1) & 0xffff);
      assert.is(h.timestamp, (prev.timestamp + RTP_TS_STEP) >>> 0);
    }
    assert.is(h.marker, i === 0, 'marker on the first packet of the talkspurt only');
    const ext = new Map(h.extensions.map((e) => [e.id, e.payload]));
    assert.equal([...ext.keys()].sort(), [1, 3, 4, 5]);
    assert.is(ext.get(4)!.toString(), '0', 'sdes:mid');
    assert.is(ext.get(3)!.readUInt16BE(0), 100 + i, 'transport-wide seq');
    const level = ext.get(1)![0]! & 0x7f;
    const cap = readAbsCaptureTimeMs(ext.get(5)!, 0) - NTP_UNIX_OFFSET_MS;
    assert.ok(Math.abs(cap - wallMs(1000 + i * 20)) < 10, 'abs-capture-time is the send time (wall clock)');
    const pcm = new Int16Array(dec.decode(p.payload).buffer.slice(0));
    assert.is(pcm.length, 960 * 2, '20 ms at 48 kHz stereo');
    let e = 0;
    for (let k = 0; k < pcm.length; k++) e += (pcm[k]! / 32768) ** 2;
    energy += e;
    const mono = new Int16Array(960);
    for (let k = 0; k < 960; k++) mono[k] = pcm[2 * k]!;
    levels.push(level);
    decodedLevels.push(audioLevelDbov(mono, 0, 960));
    assert.ok(level >= 0 && level <= 127);
    assert.is((ext.get(1)![0]! & 0x80) !== 0, level < 50, 'V flag = voiced');
  }
  assert.ok(energy > 1, `decoded energy ${energy}`);
  // RFC 6464 level vs the decoded audio, on loud frames whose neighbours are as loud
  // (the decoder's delay smears onsets across frames).
  for (let i = 3; i + 1 < levels.length; i++) {
    const l = levels[i]!;
    if (l >= 32 || Math.abs(levels[i - 1]! - l) > 3 || Math.abs(levels[i + 1]! - l) > 3) continue;
    assert.ok(Math.abs(decodedLevels[i]! - l) <= 6, `level ${l} vs decoded ${decodedLevels[i]} (packet ${i})`);
    levelChecked++;
  }
  assert.ok(levelChecked >= 3, `${levelChecked} loud frames compared`);
});

test('pacing: 20 ms nominal with seeded jitter within ±2 ms, no drift', () => {
  const a: Buffer[] = [], b: Buffer[] = [];
  const ta = drive(sender(speech, false, a, 42), 10_000, a);
  const tb = drive(sender(speech, false, b, 42), 10_000, b);
  assert.equal(ta, tb, 'same seed, same schedule');
  for (let i = 0; i < ta.length; i++) assert.ok(Math.abs(ta[i]! - (1000 + 20 * i)) <= 2.25, `packet ${i} at ${ta[i]}`);
  const gaps = ta.slice(1).map((t, i) => t - ta[i]!);
  assert.ok(gaps.some((g) => g < 19.5) && gaps.some((g) => g > 20.5), 'there is jitter');
  assert.ok(ta.length >= 499 && ta.length <= 501);
});

test('DTX: silent frames are skipped, timestamps still advance by 960 per frame, marker starts each talkspurt', () => {
  const out: Buffer[] = [];
  const s = sender(speech, true, out);
  drive(s, 20 * speech.count, out);
  assert.ok(s.stats.skippedDtx > 0, 'some frames skipped');
  assert.is(s.stats.packets + s.stats.skippedDtx, s.stats.frames);
  let jumps = 0;
  for (let i = 1; i < out.length; i++) {
    const h = RtpPacket.deSerialize(out[i]!).header;
    const prev = RtpPacket.deSerialize(out[i - 1]!).header;
    assert.is(h.sequenceNumber, (prev.sequenceNumber + 1) & 0xffff, 'no sequence gaps: DTX is not loss');
    const dts = (h.timestamp - prev.timestamp) >>> 0;
    assert.is(dts % RTP_TS_STEP, 0);
    if (dts > RTP_TS_STEP) { jumps++; assert.ok(h.marker, 'first packet after silence has the marker'); } else assert.not.ok(h.marker);
  }
  assert.ok(jumps > 0, 'timestamps jumped over skipped frames');
});

test('synthetic voice (when the WAV is missing) has speech-like levels and pauses', () => {
  const pcm = synthesizeVoice(3, 5);
  const levels: number[] = [];
  for (let f = 0; f + 320 <= pcm.length; f += 320) levels.push(audioLevelDbov(pcm, f, 320));
  assert.ok(levels.some((l) => l < 30), 'loud frames');
  assert.ok(levels.some((l) => l >= 100), 'silent frames');
});

test.run();
