// JavaScript that runs INSIDE a Chromium page (served as /sb-helpers.js by
// startStaticServer and loaded by its default page). Kept as plain JS text so the Node
// side stays free of DOM types. It installs `window.sb`:
//
//   sb.pcs                      name -> RTCPeerConnection registry (closeAll closes them)
//   sb.newPc(name, config?)     new RTCPeerConnection, registered; remote audio tracks are
//                               attached to an <audio> element and played automatically
//   sb.getMic() / sb.getCam() / sb.getMicCam()
//                               getUserMedia with echoCancellation, noiseSuppression and
//                               autoGainControl off (else the fake mic is flattened)
//   sb.waitGathering(pc, ms)    resolves when iceGatheringState is 'complete'
//   sb.offerAnswer(a, b, opts?) full non-trickle offer/answer between two local pcs;
//                               returns { offer, answer } (the SDP texts actually applied)
//   sb.waitConnected(pc, ms)    resolves when connectionState is 'connected'
//   sb.stats(pc)                getStats() as an array of plain objects
//   sb.attachAudio(stream)      plays a stream in a new <audio> element (needed for
//                               audioLevel / totalAudioEnergy on the receiver)
//   sb.closeAll()               stops local tracks and closes every registered pc
export const PAGE_HELPERS_JS = String.raw`
(() => {
  const sb = {};
  sb.pcs = {};
  sb.tracks = [];
  sb.audioEls = [];
  sb.log = [];
  const AUDIO = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };

  sb.attachAudio = (stream) => {
    const el = document.createElement('audio');
    el.autoplay = true;
    el.srcObject = stream;
    document.body.appendChild(el);
    sb.audioEls.push(el);
    el.play().catch((e) => sb.log.push('audio play: ' + e));
    return el;
  };

  sb.newPc = (name, config) => {
    const pc = new RTCPeerConnection(config || {});
    sb.pcs[name] = pc;
    pc.addEventListener('track', (ev) => {
      if (ev.track.kind === 'audio') sb.attachAudio(ev.streams[0] || new MediaStream([ev.track]));
    });
    return pc;
  };

  const gum = async (c) => {
    const s = await navigator.mediaDevices.getUserMedia(c);
    for (const t of s.getTracks()) sb.tracks.push(t);
    return s;
  };
  sb.getMic = () => gum({ audio: AUDIO });
  sb.getCam = () => gum({ video: { width: 640, height: 480 } });
  sb.getMicCam = () => gum({ audio: AUDIO, video: { width: 640, height: 480 } });

  sb.waitGathering = (pc, ms = 5000) => new Promise((resolve, reject) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    const t = setTimeout(() => reject(new Error('ICE gathering not complete after ' + ms + ' ms')), ms);
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') { clearTimeout(t); resolve(); }
    });
  });

  sb.waitConnected = (pc, ms = 10000) => new Promise((resolve, reject) => {
    if (pc.connectionState === 'connected') return resolve();
    const t = setTimeout(() => reject(new Error('connectionState ' + pc.connectionState + ' after ' + ms + ' ms')), ms);
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'connected') { clearTimeout(t); resolve(); }
      if (pc.connectionState === 'failed') { clearTimeout(t); reject(new Error('connectionState failed')); }
    });
  });

  sb.offerAnswer = async (a, b, opts = {}) => {
    await a.setLocalDescription(await a.createOffer(opts.offerOptions));
    await sb.waitGathering(a, opts.gatherMs);
    const offer = a.localDescription.sdp;
    await b.setRemoteDescription({ type: 'offer', sdp: offer });
    await b.setLocalDescription(await b.createAnswer());
    await sb.waitGathering(b, opts.gatherMs);
    const answer = b.localDescription.sdp;
    await a.setRemoteDescription({ type: 'answer', sdp: answer });
    return { offer, answer };
  };

  sb.stats = async (pc) => {
    const out = [];
    (await pc.getStats()).forEach((s) => out.push(JSON.parse(JSON.stringify(s))));
    return out;
  };

  sb.closeAll = () => {
    for (const t of sb.tracks) t.stop();
    for (const el of sb.audioEls) { el.pause(); el.srcObject = null; }
    for (const pc of Object.values(sb.pcs)) pc.close();
    sb.pcs = {};
    sb.tracks = [];
    sb.audioEls = [];
  };

  window.sb = sb;
})();
`;

export const DEFAULT_PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>switchboard peer test</title>
<script src="/sb-helpers.js"></script></head>
<body></body></html>
`;
