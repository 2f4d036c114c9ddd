// SubscriberSender with arbitrary bytes handed in as RTP (a malformed extension block, a
// truncated header, a wrong TWCC element size): never throws, and what reaches the
// transport is the input with at most the two transport-wide seq bytes changed (or, on
// the insert path, a packet that parses with the element). PublisherTwcc.record on the
// same bytes never throws either.
import type { FuzzTarget } from './harness.js';
import { RtpView, RtpStatus, writeRtpPacket } from '../../src/rtp/index.js';
import { SubscriberSender, PublisherTwcc } from '../../src/sfu/index.js';

const got: { buf: Buffer; len: number }[] = [];
const sink = {
  sendRtp(buf: Buffer, off: number, len: number): boolean { got.push({ buf: Buffer.from(buf.subarray(off, off + len)), len }); return true; },
  sendRtcp(): boolean { return true; },
};
const sender = new SubscriberSender({ transport: sink, twccExtId: 3, pacer: 'pass-through', timer: false });
const ptw = new PublisherTwcc(1, 3);
const view = new RtpView();
const out = new (class { sendRtcp(): boolean { return true; } })();

function seed(exts: { id: number; value: number[] }[], profileTwo = false): Buffer {
  const b = Buffer.alloc(300);
  const n = writeRtpPacket(b, 0, { payloadType: 96, sequenceNumber: 9, timestamp: 5, ssrc: 7, extensions: exts.map((e) => ({ id: profileTwo ? e.id + 20 : e.id, value: Uint8Array.from(e.value) })) }, Buffer.alloc(40, 1));
  return b.subarray(0, n);
}

let now = 0;
export const targets: FuzzTarget[] = [{
  name: 'sfu SubscriberSender.send + PublisherTwcc.record',
  seeds: () => [seed([{ id: 3, value: [1, 2] }, { id: 1, value: [0x90] }]), seed([{ id: 1, value: [0x90] }]), seed([{ id: 3, value: [1, 2, 3] }]), seed([])],
  run(input: Buffer): void {
    got.length = 0;
    now += 1;
    const inserted = sender.counters.extInserted;
    sender.video.sendRtp(input, 0, input.length, now);
    if (got.length > 1) throw new Error('one packet in, more than one out');
    if (got.length === 1) {
      const o = got[0]!;
      if (sender.counters.extInserted === inserted) {
        if (o.len !== input.length) throw new Error('length changed without an insert');
        let diff = 0;
        for (let i = 0; i < o.len; i++) if (o.buf[i] !== input[i]) diff++;
        if (diff > 2) throw new Error(`${diff} bytes changed`);
      } else if (view.reset(o.buf, 0, o.len) !== RtpStatus.OK || view.findExtension(3) < 0) throw new Error('inserted packet without the element');
    }
    if (view.reset(input, 0, input.length) === RtpStatus.OK) ptw.record(view, now);
    if (now % 64 === 0) ptw.tick(now * 50, out);
  },
}];
