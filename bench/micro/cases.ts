// Every micro-benchmark file; each module adds bench/micro/<module>.bench.ts exporting
// `cases: MicroCase[]` and one line here.
import type { MicroCase } from './case.js';

export async function loadCases(): Promise<MicroCase[]> {
  const mods = await Promise.all([
    import('./stun.bench.js'),
    import('./srtp.bench.js'),
    import('./dtls.bench.js'),
    import('./rtp.bench.js'),
    import('./pcap.bench.js'),
    import('./sfu-buffer.bench.js'),
    import('./sdp.bench.js'),
    import('./signal.bench.js'),
    import('./sfu.bench.js'),
    import('./sfu-nack.bench.js'),
    import('./sfu-cc.bench.js'),
    import('./sfu-sender.bench.js'),
    import('./sfu-simulcast.bench.js'),
    import('./client.bench.js'),
    import('./sctp.bench.js'),
    import('./data.bench.js'),
    import('./net-send.bench.js'),
  ] as Promise<{ cases: MicroCase[] }>[]);
  return mods.flatMap((m) => m.cases);
}
