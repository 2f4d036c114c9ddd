// JavaScript that runs INSIDE the Chromium page of the livekit-client harness (served as
// /lkt.js next to livekit-client's UMD bundle). Plain JS text keeps DOM types out of the
// Node type check. It installs `window.lkt`:
//
//   lkt.connect([url, token, roomOptions, connectOptions])
//       new LivekitClient.Room(roomOptions).connect(url, token, connectOptions); records
//       every RoomEvent in lkt.events; resolves { sid, identity, ms } (ms: connect time)
//   lkt.publish([audio, video])   mic and/or camera (echo cancellation etc. off)
//   lkt.mute([kind, muted])       mute/unmute the local track of kind 'audio'|'video'
//   lkt.remote(identity)          what this page receives from `identity`: audio energy
//       (WebAudio analyser RMS, max over the last second), frames decoded (inbound-rtp of
//       the subscribed video's receiver), packets, and track sids
//   lkt.events                    [{ ev, t, who?, track?, kind?, ...details }]
//   lkt.firstAudioMs              ms from connect() start to the first audio RMS above
//                                 lkt.AUDIO_RMS (analyser polled every 10 ms), or null
//   lkt.call([method, ...args])   room.localParticipant[method](...args) (metadata etc.)
//   lkt.data                      [{ from, kind, topic, text, len }] of every RoomEvent.DataReceived
//   lkt.disconnect()
export const LK_PAGE_JS = String.raw`
(() => {
  const L = window.LivekitClient;
  const lkt = { events: [], room: null, firstAudioMs: null, t0: 0, analysers: {}, AUDIO_RMS: 0.02 };
  window.lkt = lkt;
  const now = () => Math.round(performance.now() - lkt.t0);
  const AUDIO = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };
  const who = (p) => (p && p.identity) || undefined;
  const push = (ev, o) => lkt.events.push(Object.assign({ ev, t: now() }, o || {}));

  function analyse(identity, track) {
    const old = lkt.analysers[identity];
    if (old) { clearInterval(old.timer); old.ctx.close().catch(() => undefined); }
    const ctx = new AudioContext();
    ctx.resume().catch(() => undefined);
    const src = ctx.createMediaStreamSource(new MediaStream([track.mediaStreamTrack]));
    const an = ctx.createAnalyser();
    an.fftSize = 1024;
    src.connect(an);
    const buf = new Float32Array(an.fftSize);
    const a = { ctx, an, recent: [], max: 0 };
    a.timer = setInterval(() => {
      an.getFloatTimeDomainData(buf);
      let s = 0;
      for (let i = 0; i < buf.length; i++) s += buf[i] * buf[i];
      const rms = Math.sqrt(s / buf.length);
      a.recent.push(rms);
      if (a.recent.length > 100) a.recent.shift();
      if (rms > a.max) a.max = rms;
      if (lkt.firstAudioMs === null && rms > lkt.AUDIO_RMS) lkt.firstAudioMs = now();
    }, 10);
    lkt.analysers[identity] = a;
  }

  lkt.connect = async ([url, token, roomOptions, connectOptions]) => {
    // roomOptions.e2eeKey: end-to-end encryption with that shared key (livekit-client's
    // ExternalE2EEKeyProvider and its E2EE worker, served as /lk-e2ee-worker.mjs).
    const opts = Object.assign({}, roomOptions || {});
    const e2eeKey = opts.e2eeKey;
    delete opts.e2eeKey;
    if (e2eeKey !== undefined) {
      const keyProvider = new L.ExternalE2EEKeyProvider();
      await keyProvider.setKey(e2eeKey);
      opts.e2ee = { keyProvider, worker: new Worker('/lk-e2ee-worker.mjs', { type: 'module' }) };
    }
    const room = new L.Room(opts);
    lkt.room = room;
    lkt.data = [];
    const E = L.RoomEvent;
    room
      .on(E.ParticipantConnected, (p) => push('participantConnected', { who: who(p) }))
      .on(E.ParticipantDisconnected, (p) => push('participantDisconnected', { who: who(p) }))
      .on(E.TrackPublished, (pub, p) => push('trackPublished', { who: who(p), track: pub.trackSid, kind: pub.kind }))
      .on(E.TrackUnpublished, (pub, p) => push('trackUnpublished', { who: who(p), track: pub.trackSid, kind: pub.kind }))
      .on(E.TrackSubscribed, (track, pub, p) => {
        push('trackSubscribed', { who: who(p), track: pub.trackSid, kind: track.kind });
        if (track.kind === 'audio') {
          track.attach(); // Chromium feeds remote audio to WebAudio only while a media element plays it
          analyse(p.identity, track);
        } else {
          const el = track.attach();
          el.muted = true;
          document.body.appendChild(el);
        }
      })
      .on(E.TrackUnsubscribed, (track, pub, p) => push('trackUnsubscribed', { who: who(p), track: pub.trackSid, kind: track.kind }))
      .on(E.TrackSubscriptionFailed, (sid, p, err) => push('trackSubscriptionFailed', { who: who(p), track: sid, err: String(err) }))
      .on(E.TrackMuted, (pub, p) => push('trackMuted', { who: who(p), track: pub.trackSid, kind: pub.kind }))
      .on(E.TrackUnmuted, (pub, p) => push('trackUnmuted', { who: who(p), track: pub.trackSid, kind: pub.kind }))
      .on(E.TrackSubscriptionPermissionChanged, (pub, status, p) => push('trackSubscriptionPermissionChanged', { who: who(p), track: pub.trackSid, status }))
      .on(E.TrackSubscriptionStatusChanged, (pub, status, p) => push('trackSubscriptionStatusChanged', { who: who(p), track: pub.trackSid, status }))
      .on(E.ParticipantMetadataChanged, (prev, p) => push('participantMetadataChanged', { who: who(p), metadata: p.metadata }))
      .on(E.ParticipantNameChanged, (name, p) => push('participantNameChanged', { who: who(p), name }))
      .on(E.ParticipantAttributesChanged, (changed, p) => push('participantAttributesChanged', { who: who(p), changed }))
      .on(E.LocalTrackUnpublished, (pub) => push('localTrackUnpublished', { track: pub.trackSid, kind: pub.kind }))
      .on(E.RoomMetadataChanged, (metadata) => push('roomMetadataChanged', { metadata }))
      .on(E.ConnectionQualityChanged, (quality, p) => push('connectionQualityChanged', { who: who(p), quality }))
      .on(E.SignalReconnecting, () => push('signalReconnecting'))
      .on(E.Reconnecting, () => push('reconnecting'))
      .on(E.Reconnected, () => push('reconnected'))
      .on(E.Disconnected, (reason) => push('disconnected', { reason }))
      // Kept apart from lkt.events: tests send a thousand of these.
      .on(E.DataReceived, (payload, p, kind, topic) => lkt.data.push({ from: p ? p.identity : null, kind, topic: topic ?? null, text: new TextDecoder().decode(payload), len: payload.length }));
    lkt.connectToken = token;
    lkt.t0 = performance.now();
    await room.connect(url, token, connectOptions || {});
    if (e2eeKey !== undefined) await room.setE2EEEnabled(true);
    return { sid: room.localParticipant.sid, identity: room.localParticipant.identity, ms: now() };
  };

  lkt.publish = async ([audio, video]) => {
    const lp = lkt.room.localParticipant;
    if (audio) await lp.setMicrophoneEnabled(true, AUDIO);
    if (video) await lp.setCameraEnabled(true, { resolution: { width: 320, height: 240, frameRate: 15 } });
    return [...lp.trackPublications.values()].map((p) => ({ sid: p.trackSid, kind: p.kind }));
  };

  lkt.mute = async ([kind, muted]) => {
    const pub = [...lkt.room.localParticipant.trackPublications.values()].find((p) => p.kind === kind);
    if (!pub || !pub.track) throw new Error('no local ' + kind + ' track');
    if (muted) await pub.track.mute(); else await pub.track.unmute();
    return pub.trackSid;
  };

  lkt.call = async ([method, ...args]) => {
    const r = await lkt.room.localParticipant[method](...args);
    return r === undefined ? null : r;
  };

  lkt.remote = async (identity) => {
    const p = lkt.room.remoteParticipants.get(identity);
    const out = { present: !!p, audioRms: 0, audioMax: 0, framesDecoded: 0, videoPackets: 0, audioPackets: 0, tracks: [] };
    if (!p) return out;
    for (const pub of p.trackPublications.values()) {
      out.tracks.push({ sid: pub.trackSid, kind: pub.kind, subscribed: pub.isSubscribed, muted: pub.isMuted, allowed: pub.permissionStatus === 'allowed' });
      const t = pub.track;
      if (!t || !t.receiver) continue;
      const stats = await t.receiver.getStats();
      stats.forEach((s) => {
        if (s.type !== 'inbound-rtp') return;
        if (s.kind === 'video') { out.framesDecoded += s.framesDecoded || 0; out.videoPackets += s.packetsReceived || 0; }
        else out.audioPackets += s.packetsReceived || 0;
      });
    }
    const a = lkt.analysers[identity];
    if (a) { out.audioRms = Math.max(0, ...a.recent); out.audioMax = a.max; }
    return out;
  };

  lkt.disconnect = async () => { if (lkt.room) await lkt.room.disconnect(); return true; };
})();
`;
