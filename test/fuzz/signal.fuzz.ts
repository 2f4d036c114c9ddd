// Fuzz targets for the signal shim: the SignalRequest decoder, and the decoder +
// dispatcher (SignalSession.handleFrame) with a RoomService that accepts everything.
// Invariants beyond "never throws": every frame the session sends back decodes with
// LiveKit's own SignalResponse class, and every well-formed SignalRequest LiveKit's
// decoder reads, ours reads too (with the same oneof case after re-encoding).
import { SignalRequest as LkRequest, SignalResponse as LkResponse, SyncState } from '@livekit/protocol';
import type { FuzzTarget } from './harness.js';
import { decodeSignalRequest, encodeSignalRequest } from '../../src/signal/proto.js';
import { SignalSession } from '../../src/signal/session.js';
import type { RoomService } from '../../src/signal/room-service.js';
import type { SignalRequest } from '../../src/signal/messages.js';

const CAND = JSON.stringify({ candidate: 'candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 });
const SEEDS: SignalRequest[] = [
  { offer: { type: 'offer', sdp: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n', id: 1, midToTrackId: { '0': 'TR_a' } } },
  { answer: { type: 'answer', sdp: 'v=0\r\ns=-\r\n', id: 2 } },
  { trickle: { candidateInit: CAND, target: 0 } },
  { trickle: { candidateInit: CAND, target: 1, final: true } },
  { addTrack: { cid: 'c1', name: 'mic', type: 0, source: 2, layers: [{ quality: 2, width: 640, height: 480, rid: 'f' }], simulcastCodecs: [{ codec: 'vp8', cid: 'c1' }] } },
  { mute: { sid: 'TR_c1', muted: true } },
  { subscription: { trackSids: ['TR_1', 'TR_2'], subscribe: true, participantTracks: [{ participantSid: 'PA_1', trackSids: ['TR_1'] }] } },
  { trackSetting: { trackSids: ['TR_1'], disabled: false, quality: 1, width: 320, height: 240, fps: 15 } },
  { updateLayers: { trackSid: 'TR_c1', layers: [{ quality: 0, width: 160, bitrate: 100000 }] } },
  { subscriptionPermission: { allParticipants: false, trackPermissions: [{ participantSid: 'PA_2', trackSids: ['TR_c1'] }] } },
  { ping: 1_700_000_000_000 },
  { pingReq: { timestamp: 1_700_000_000_000, rtt: 30 } },
  { leave: { canReconnect: false, reason: 1 } },
];

const ok = async () => undefined;
const service: RoomService = {
  join: async () => { throw new Error('unused'); },
  publisherOffer: async () => ({ type: 'answer', sdp: 'v=0\r\n' }),
  subscriberAnswer: ok, addIceCandidate: ok,
  addTrack: async (_sid, req) => ({ sid: `TR_${req.cid}`, type: req.type, name: req.name }),
  muteTrack: ok, updateSubscription: ok, updateTrackSettings: ok, updateVideoLayers: ok, leave: ok,
};

let sent: Uint8Array[] = [];
let session: SignalSession | undefined;
function freshSession(): SignalSession {
  const s = new SignalSession({ service, permission: { canPublish: true, canSubscribe: true, canPublishData: true }, maxMessageBytes: 1 << 16, nowMs: () => 1_700_000_000_000 });
  s.joined('PA_fuzz', { room: { sid: 'RM', name: 'fuzz' }, participant: { sid: 'PA_fuzz', identity: 'f' } });
  s.attach({ send: (f) => { sent.push(f); }, close: () => undefined });
  s.subscriberOffer({ type: 'offer', sdp: 'v=0\r\n' });
  return s;
}

/** Decode every seed once in both libraries so lazy setup is not timed as a hang. */
function warm(seeds: Buffer[]): Buffer[] {
  for (const s of seeds) { decodeSignalRequest(s); LkRequest.fromBinary(s); }
  LkResponse.fromBinary(new Uint8Array(0));
  return seeds;
}

export const targets: FuzzTarget[] = [
  {
    name: 'signal/decode-request',
    seeds: () => warm([...SEEDS.map((r) => Buffer.from(encodeSignalRequest(r))), Buffer.from(new LkRequest({ message: { case: 'syncState', value: new SyncState({}) } }).toBinary())]),
    run(input) {
      const ours = decodeSignalRequest(input);
      // Where LiveKit's decoder accepts the input AND re-encodes it byte for byte (so it was
      // well-formed, canonical protobuf), ours must accept it too. bufbuild is lenient about
      // wrong wire types and invalid UTF-8 where protobufjs (like LiveKit's Go server) is not.
      if (!ours.ok) {
        let canonical = false;
        try { canonical = Buffer.from(LkRequest.fromBinary(input).toBinary()).equals(input); } catch { /* LiveKit rejects it too */ }
        if (canonical) throw new Error(`well-formed for LiveKit but we reject it: ${ours.reason}`);
        return;
      }
      if (ours.value.message) {
        // what we decoded re-encodes to bytes LiveKit reads with the same case
        const back = LkRequest.fromBinary(encodeSignalRequest(ours.value));
        const lkCase = back.message.case === 'pingReq' ? 'pingReq' : back.message.case;
        if (lkCase !== ours.value.message) throw new Error(`case ${ours.value.message} re-encoded as ${back.message.case}`);
      }
    },
  },
  {
    name: 'signal/session-dispatch',
    seeds: () => warm(SEEDS.map((r) => Buffer.from(encodeSignalRequest(r)))),
    run(input) {
      if (!session || session.ended) session = freshSession();
      sent = [];
      session.handleFrame(input, true);
      for (const f of sent) LkResponse.fromBinary(f); // throws if we sent something LiveKit cannot read
    },
  },
];
