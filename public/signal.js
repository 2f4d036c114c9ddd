// The LiveKit signal protocol over a WebSocket: binary protobuf SignalRequest out,
// SignalResponse in. The schema comes from the server's own .proto files (/proto/), parsed
// in the page by protobufjs (/lib/protobuf.min.js, loaded as a classic script).

/* global protobuf */
let types;

async function loadTypes() {
  if (!types) {
    const root = await protobuf.load('/proto/livekit_rtc.proto');
    types = { req: root.lookupType('livekit.SignalRequest'), res: root.lookupType('livekit.SignalResponse') };
  }
  return types;
}

export const Target = { PUBLISHER: 0, SUBSCRIBER: 1 };
export const TrackType = { AUDIO: 0, VIDEO: 1 };
export const TrackSource = { CAMERA: 1, MICROPHONE: 2 };
export const ParticipantState = { JOINING: 0, JOINED: 1, ACTIVE: 2, DISCONNECTED: 3 };
export const DisconnectReason = { CLIENT_INITIATED: 1 };
const REASONS = ['unknown reason', 'client initiated', 'the same identity joined elsewhere', 'server shutdown',
  'removed from the room', 'room deleted', 'state mismatch', 'join failure', 'migration', 'signal closed', 'room closed'];
/** A LiveKit DisconnectReason as words. */
export const reasonText = (n) => REASONS[n] ?? `reason ${n}`;

/** Gets a join token from the dev-mode endpoint; throws with the server's reason. */
export async function devToken(room, identity) {
  const r = await fetch(`/token?room=${encodeURIComponent(room)}&identity=${encodeURIComponent(identity)}`);
  const body = await r.text();
  if (!r.ok) throw new Error(r.status === 404 ? 'no /token endpoint: the server is not in dev mode (pass ?token=...)' : `token: ${body}`);
  return JSON.parse(body).token;
}

/**
 * Opens /rtc with the token. Resolves with a connection once the JoinResponse arrived;
 * rejects with the server's reason when the upgrade is refused (a WebSocket cannot read
 * the HTTP 401 body, so we ask /rtc/validate like LiveKit's clients do).
 */
export async function connect(token, { onMessage, onClose }) {
  const { req, res } = await loadTypes();
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = `access_token=${encodeURIComponent(token)}&auto_subscribe=1&sdk=js&protocol=15&version=switchboard-demo`;
  const ws = new WebSocket(`${proto}//${location.host}/rtc?${query}`);
  ws.binaryType = 'arraybuffer';
  const send = (msg) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(req.encode(req.fromObject(msg)).finish());
  };
  return new Promise((resolve, reject) => {
    let joined = false;
    ws.onmessage = (ev) => {
      const m = res.toObject(res.decode(new Uint8Array(ev.data)), { longs: Number, enums: Number, oneofs: true, defaults: true });
      if (!joined && m.message === 'join') {
        joined = true;
        resolve({ join: m.join, send, close: () => ws.close(1000, 'leave') });
        return;
      }
      onMessage(m);
    };
    ws.onclose = async (ev) => {
      if (joined) return onClose(ev.reason || `code ${ev.code}`);
      let reason = `connection refused (WebSocket code ${ev.code})`;
      try {
        const v = await fetch(`/rtc/validate?${query}`);
        if (!v.ok) reason = `${v.status}: ${await v.text()}`;
      } catch { /* keep the generic reason */ }
      reject(new Error(reason));
    };
  });
}
