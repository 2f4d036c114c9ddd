// Switchboard demo: join a room, publish mic and camera, see and hear everyone else.
// LiveKit's two-PeerConnection model: the publisher PC offers and the server answers;
// the server offers on the subscriber PC and we answer. ICE candidates trickle both ways.
//
// Query parameters (for links and automation): room, identity, token, autojoin=1,
// publish=audio,video (empty: subscribe only), ec=0 ns=0 agc=0 (audio processing off).
// window.switchboard exposes the call's state for tests (see the bottom of this file).
import { connect, devToken, DisconnectReason, reasonText, ParticipantState, Target, TrackSource, TrackType } from './signal.js';
import { collect, render, rows } from './stats.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

const call = {
  state: 'idle', // idle | connecting | joined | disconnected | failed
  error: '',
  me: null, // my ParticipantInfo
  conn: null,
  publisherPc: null,
  subscriberPc: null,
  local: null, // MediaStream
  published: {}, // kind -> { sid, track }
  participants: new Map(), // sid -> { info, tile, media: Map(trackId -> element) }
  events: [],
};
let resolveJoined;
let rejectJoined;
const joined = new Promise((res, rej) => { resolveJoined = res; rejectJoined = rej; });
joined.catch(() => undefined);

function setState(state, error = '') {
  call.state = state;
  if (error) call.error = error;
  $('status').textContent = error ? `${state}: ${error}` : state;
  $('status').className = error ? 'error' : '';
  document.body.dataset.state = state;
  $('join').disabled = state === 'connecting' || state === 'joined';
  for (const id of ['leave', 'mute-audio', 'mute-video']) $(id).disabled = state !== 'joined';
  if (state === 'joined') for (const k of ['audio', 'video']) $(`mute-${k}`).disabled = !call.published[k];
}

function log(line) {
  call.events.push(line);
  const li = document.createElement('li');
  li.textContent = `${new Date().toLocaleTimeString()} ${line}`;
  $('log').prepend(li);
}

// ---------- participants and their tiles ----------

function tileFor(sid) {
  let p = call.participants.get(sid);
  if (!p) {
    const tile = document.createElement('figure');
    tile.className = 'tile';
    tile.innerHTML = '<div class="media"></div><figcaption></figcaption>';
    $('tiles').append(tile);
    p = { info: { sid, identity: sid, tracks: [] }, tile, media: new Map() };
    call.participants.set(sid, p);
  }
  return p;
}

function updateParticipant(info) {
  if (info.sid === call.me?.sid) { call.me = info; return; }
  if (info.state === ParticipantState.DISCONNECTED) return removeParticipant(info.sid);
  const p = tileFor(info.sid);
  const before = new Map((p.info.tracks ?? []).map((t) => [t.sid, t.muted]));
  p.info = info;
  for (const t of info.tracks ?? []) {
    if (before.has(t.sid) && before.get(t.sid) !== t.muted) log(`${info.identity} ${t.muted ? 'muted' : 'unmuted'} ${kindOf(t)}`);
  }
  const flags = (info.tracks ?? []).map((t) => `${kindOf(t) === 'audio' ? 'mic' : 'cam'}${t.muted ? ' off' : ''}`).join(' · ');
  p.tile.querySelector('figcaption').textContent = flags ? `${info.identity} — ${flags}` : info.identity;
  p.tile.classList.toggle('video-muted', (info.tracks ?? []).some((t) => kindOf(t) === 'video' && t.muted));
  renderList();
}

function removeParticipant(sid) {
  const p = call.participants.get(sid);
  if (!p) return;
  log(`${p.info.identity} left`);
  for (const el of p.media.values()) { el.srcObject = null; }
  p.tile.remove();
  call.participants.delete(sid);
  renderList();
}

const kindOf = (t) => (t.type === TrackType.VIDEO ? 'video' : 'audio');

function renderList() {
  const items = [`<li><b>${esc(call.me?.identity ?? '')}</b> (you)</li>`];
  for (const p of call.participants.values()) {
    const tracks = (p.info.tracks ?? []).map((t) => `${kindOf(t)}${t.muted ? ' (muted)' : ''}`).join(', ') || 'no tracks';
    items.push(`<li>${esc(p.info.identity)} — ${esc(tracks)}</li>`);
  }
  $('participants').innerHTML = items.join('');
}
const esc = (t) => String(t).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A remote track: the server's msid is "<participant sid>|<track sid> <track sid>" (LiveKit's packed stream id). */
function onRemoteTrack(ev) {
  const track = ev.track;
  const stream = ev.streams[0] ?? new MediaStream([track]);
  const p = tileFor(stream.id.split('|')[0]);
  const el = document.createElement(track.kind);
  el.autoplay = true;
  el.playsInline = true;
  if (track.kind === 'video') el.muted = true; // sound comes from the <audio> element
  el.srcObject = new MediaStream([track]);
  p.tile.querySelector('.media').append(el);
  p.media.set(track.id, el);
  el.play().catch((e) => log(`play ${track.kind}: ${e.message}`));
  log(`receiving ${track.kind} from ${p.info.identity}`);
  const drop = () => {
    if (p.media.get(track.id) !== el) return;
    el.srcObject = null;
    el.remove();
    p.media.delete(track.id);
    log(`${track.kind} from ${p.info.identity} ended`);
  };
  track.addEventListener('ended', drop);
  stream.addEventListener('removetrack', (e) => { if (e.track === track) drop(); });
}

function trackLabel(trackId) {
  for (const p of call.participants.values()) if (p.media.has(trackId)) return p.info.identity;
  return trackId ?? '';
}

// ---------- joining ----------

function audioConstraints() {
  const on = (id) => $(id).checked;
  return { echoCancellation: on('ec'), noiseSuppression: on('ns'), autoGainControl: on('agc') };
}

async function join() {
  const room = $('room').value.trim();
  const identity = $('identity').value.trim();
  const kinds = ['audio', 'video'].filter((k) => $(`pub-${k}`).checked);
  call.published = {};
  call.error = '';
  for (const k of ['audio', 'video']) applyMuteLabel(k, false);
  setState('connecting');
  try {
    if (kinds.length) {
      call.local = await localMedia(kinds);
      $('self').srcObject = call.local;
    }
    const token = params.get('token') ?? (await devToken(room, identity));
    call.conn = await connect(token, { onMessage, onClose: (why) => hangUp(`signal connection closed (${why})`) });
    const { join: j } = call.conn;
    call.me = j.participant;
    log(`joined room ${j.room.name} as ${j.participant.identity}`);
    const config = { iceServers: (j.iceServers ?? []).map((s) => ({ urls: s.urls, username: s.username, credential: s.credential })) };
    call.subscriberPc = newPc(config, Target.SUBSCRIBER);
    call.subscriberPc.addEventListener('track', onRemoteTrack);
    call.publisherPc = newPc(config, Target.PUBLISHER);
    for (const info of j.otherParticipants ?? []) updateParticipant(info);
    renderList();
    startPings(j.pingInterval || 5);
    if (call.local) await publish();
    setState('joined');
    resolveJoined(call.me);
  } catch (e) {
    fail(e);
  }
}

/** getUserMedia for `kinds`; without a usable camera, carries on with the microphone alone. */
async function localMedia(kinds) {
  const ask = (ks) => navigator.mediaDevices.getUserMedia({
    audio: ks.includes('audio') ? audioConstraints() : false,
    video: ks.includes('video') ? { width: 640, height: 480 } : false,
  });
  try {
    return await ask(kinds);
  } catch (e) {
    if (!(kinds.includes('audio') && kinds.includes('video'))) throw new Error(`${kinds.join(' + ')}: ${e.message}`);
    log(`camera unavailable (${e.name}): publishing the microphone only`);
    return ask(['audio']).catch((e2) => { throw new Error(`microphone: ${e2.message}`); });
  }
}

/** A PeerConnection whose candidates trickle to the server (after its first offer, for the publisher). */
function newPc(config, target) {
  const pc = new RTCPeerConnection(config);
  pc.pendingCandidates = target === Target.PUBLISHER ? [] : null;
  pc.addEventListener('icecandidate', (ev) => {
    if (!ev.candidate) return;
    const msg = { trickle: { candidateInit: JSON.stringify(ev.candidate.toJSON()), target } };
    if (pc.pendingCandidates) pc.pendingCandidates.push(msg);
    else call.conn?.send(msg);
  });
  pc.addEventListener('connectionstatechange', () => {
    log(`${target === Target.PUBLISHER ? 'publisher' : 'subscriber'} pc ${pc.connectionState}`);
    if (pc.connectionState === 'failed' && call.state === 'joined') hangUp('media connection failed');
  });
  return pc;
}

/** add_track for each local track (its cid is the track id), then the publisher offer. */
async function publish() {
  const pc = call.publisherPc;
  for (const track of call.local.getTracks()) {
    const kind = track.kind;
    const settings = track.getSettings();
    const info = await request({ addTrack: {
      cid: track.id, name: kind === 'audio' ? 'microphone' : 'camera',
      type: kind === 'audio' ? TrackType.AUDIO : TrackType.VIDEO,
      source: kind === 'audio' ? TrackSource.MICROPHONE : TrackSource.CAMERA,
      width: settings.width ?? 0, height: settings.height ?? 0,
    } }, (m) => m.message === 'trackPublished' && m.trackPublished.cid === track.id);
    call.published[kind] = { sid: info.trackPublished.track.sid, track };
    pc.addTransceiver(track, { direction: 'sendonly', streams: [call.local] });
  }
  await pc.setLocalDescription(await pc.createOffer());
  const answer = await request({ offer: { type: 'offer', sdp: pc.localDescription.sdp } }, (m) => m.message === 'answer');
  for (const msg of pc.pendingCandidates) call.conn.send(msg);
  pc.pendingCandidates = null;
  await pc.setRemoteDescription({ type: 'answer', sdp: answer.answer.sdp });
}

// ---------- messages from the server ----------

const waiters = [];
/** Sends `msg` and resolves with the first response that `match`es (or rejects on a refusal). */
function request(msg, match, ms = 15000) {
  return new Promise((resolve, reject) => {
    const w = { kind: Object.keys(msg)[0], match, resolve, reject, timer: setTimeout(() => reject(new Error(`no reply to ${Object.keys(msg)[0]} in ${ms} ms`)), ms) };
    waiters.push(w);
    call.conn.send(msg);
  });
}

let subscriberChain = Promise.resolve();

function onMessage(m) {
  const rr = m.message === 'requestResponse' && m.requestResponse.reason !== 0 ? m.requestResponse : null;
  const refusedKind = rr && (rr.addTrack ? 'addTrack' : rr.mute ? 'mute' : rr.trickle ? 'trickle' : 'offer');
  for (const w of [...waiters]) {
    const refused = refusedKind === w.kind;
    if (w.match(m) || refused) {
      waiters.splice(waiters.indexOf(w), 1);
      clearTimeout(w.timer);
      if (refused) w.reject(new Error(`server refused: ${m.requestResponse.message}`));
      else w.resolve(m);
      return;
    }
  }
  switch (m.message) {
    case 'offer': // serialised: each answer before the next offer is applied
      subscriberChain = subscriberChain.then(async () => {
        const pc = call.subscriberPc;
        await pc.setRemoteDescription({ type: 'offer', sdp: m.offer.sdp });
        await pc.setLocalDescription(await pc.createAnswer());
        call.conn.send({ answer: { type: 'answer', sdp: pc.localDescription.sdp, id: m.offer.id } });
      }).catch((e) => log(`subscriber negotiation failed: ${e.message}`));
      return;
    case 'trickle': {
      const pc = m.trickle.target === Target.PUBLISHER ? call.publisherPc : call.subscriberPc;
      if (m.trickle.candidateInit) pc?.addIceCandidate(JSON.parse(m.trickle.candidateInit)).catch((e) => log(`candidate: ${e.message}`));
      return;
    }
    case 'update':
      for (const info of m.update.participants ?? []) updateParticipant(info);
      return;
    case 'mute': // the server muted one of our tracks
      for (const [kind, pub] of Object.entries(call.published)) if (pub.sid === m.mute.sid) applyMute(kind, m.mute.muted);
      return;
    case 'trackUnpublished':
      log(`the server unpublished track ${m.trackUnpublished.trackSid}`);
      return;
    case 'leave':
      hangUp(`the server ended the session: ${reasonText(m.leave.reason)}`);
      return;
    case 'requestResponse':
      if (m.requestResponse.reason) log(`server refused a request: ${m.requestResponse.message}`);
      return;
    default:
  }
}

let pingTimer;
function startPings(sec) {
  pingTimer = setInterval(() => call.conn?.send({ pingReq: { timestamp: Date.now() } }), sec * 1000);
}

// ---------- controls ----------

function applyMute(kind, muted) {
  const pub = call.published[kind];
  if (!pub) return;
  pub.track.enabled = !muted;
  pub.muted = muted;
  applyMuteLabel(kind, muted);
}

function applyMuteLabel(kind, muted) {
  $(`mute-${kind}`).textContent = `${muted ? 'Unmute' : 'Mute'} ${kind === 'audio' ? 'mic' : 'camera'}`;
}

/** Mutes or unmutes our published `kind` track: track.enabled, and a mute request to the server. */
async function mute(kind, muted) {
  const pub = call.published[kind];
  if (!pub) throw new Error(`no published ${kind} track`);
  applyMute(kind, muted);
  call.conn.send({ mute: { sid: pub.sid, muted } });
}

function hangUp(reason) {
  if (call.state === 'disconnected' || call.state === 'failed') return;
  clearInterval(pingTimer);
  for (const w of waiters.splice(0)) { clearTimeout(w.timer); w.reject(new Error(reason)); }
  call.publisherPc?.close();
  call.subscriberPc?.close();
  for (const t of call.local?.getTracks() ?? []) t.stop();
  for (const sid of [...call.participants.keys()]) removeParticipant(sid);
  $('self').srcObject = null;
  const wasJoined = call.state === 'joined';
  setState('disconnected', reason === 'left' ? '' : reason);
  if (!wasJoined) rejectJoined(new Error(reason));
  log(reason === 'left' ? 'left the room' : reason);
}

function leave() {
  const conn = call.conn;
  hangUp('left');
  conn?.send({ leave: { canReconnect: false, reason: DisconnectReason.CLIENT_INITIATED, action: 0 } });
  conn?.close();
}

function fail(e) {
  const msg = e?.message ?? String(e);
  hangUp(msg);
  setState('failed', msg);
  rejectJoined(e);
}

// ---------- page setup ----------

$('room').value = params.get('room') ?? 'demo';
$('identity').value = params.get('identity') ?? `guest-${Math.random().toString(36).slice(2, 7)}`;
if (params.has('publish')) {
  const kinds = params.get('publish').split(',').map((s) => s.trim());
  for (const k of ['audio', 'video']) $(`pub-${k}`).checked = kinds.includes(k);
}
for (const id of ['ec', 'ns', 'agc']) if (params.get(id) === '0') $(id).checked = false;
$('join').addEventListener('click', () => join());
$('leave').addEventListener('click', () => leave());
for (const kind of ['audio', 'video']) {
  $(`mute-${kind}`).addEventListener('click', () => mute(kind, !call.published[kind]?.muted).catch((e) => log(e.message)));
}
setState('idle');

const pcs = () => ({ publisher: call.publisherPc, subscriber: call.subscriberPc });
setInterval(async () => {
  if (call.state !== 'joined') return;
  render($('stats'), rows(await collect(pcs()), trackLabel));
}, 1000);

window.switchboard = {
  get state() { return call.state; },
  get error() { return call.error; },
  joined,
  /** Everyone else: [{ sid, identity, state, tracks: [{ sid, kind, muted }] }]. */
  get participants() {
    return [...call.participants.values()].map((p) => ({
      sid: p.info.sid, identity: p.info.identity, state: p.info.state,
      tracks: (p.info.tracks ?? []).map((t) => ({ sid: t.sid, kind: kindOf(t), muted: !!t.muted })),
    }));
  },
  get me() { return call.me; },
  get publisherPc() { return call.publisherPc; },
  get subscriberPc() { return call.subscriberPc; },
  get events() { return call.events; },
  /** getStats() of both pcs as plain objects with `pc`; inbound-rtp entries also carry `from` (an identity). */
  getStats: async () => (await collect(pcs())).map((s) => (s.type === 'inbound-rtp' ? { ...s, from: trackLabel(s.trackIdentifier) } : s)),
  mute,
  leave,
  join,
};

if (params.get('autojoin') === '1') join();
