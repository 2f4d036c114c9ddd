// Every fuzz target in the project. Each module adds its own file next to this one
// (test/fuzz/<module>.fuzz.ts exporting `targets: FuzzTarget[]`) and one line here.
import type { FuzzTarget } from './harness.js';

export async function loadTargets(): Promise<FuzzTarget[]> {
  const mods = await Promise.all([
    import('./stun.fuzz.js'),
    import('./transport.fuzz.js'),
    import('./srtp.fuzz.js'),
    import('./dtls.fuzz.js'),
    import('./sdp.fuzz.js'),
    import('./signal.fuzz.js'),
    import('./rtp.fuzz.js'),
    import('./sfu-twcc.fuzz.js'),
    import('./sfu-sender.fuzz.js'),
    import('./pcap.fuzz.js'),
    import('./pcap-stream.fuzz.js'),
    import('./sfu-buffer.fuzz.js'),
    import('./sfu.fuzz.js'),
    import('./sfu-loss-repair.fuzz.js'),
    import('./red.fuzz.js'),
    import('./client.fuzz.js'),
    import('./sctp.fuzz.js'),
    import('./twirp.fuzz.js'),
    import('./data.fuzz.js'),
    import('./ice-tcp.fuzz.js'),
    import('./turn.fuzz.js'),
    import('./net-native.fuzz.js'),
  ] as Promise<{ targets: FuzzTarget[] }>[]);
  return mods.flatMap((m) => m.targets);
}
