// Page-side JavaScript (as source text) for the e2e call tests: a subscriber PC that
// answers server offers and records remote track events, and a publisher PC.
import type { Page } from 'playwright-core';
import { evalInPage } from '../peers/chromium.js';
import type { Participant } from '../../src/engine/index.js';

export const INSTALL_E2E = `() => {
  window.e2e = { events: [], videos: [], streams: new Set() };
  e2e.subscriberPc = (name) => {
    const pc = sb.newPc(name);
    pc.addEventListener('track', (ev) => {
      const t = ev.track;
      const tag = t.kind + ':' + t.id;
      e2e.events.push('track ' + tag);
      t.addEventListener('mute', () => e2e.events.push('mute ' + tag));
      t.addEventListener('unmute', () => e2e.events.push('unmute ' + tag));
      t.addEventListener('ended', () => e2e.events.push('ended ' + tag));
      for (const s of ev.streams) if (!e2e.streams.has(s)) e2e.streams.add(s), s.addEventListener('removetrack', (e) => e2e.events.push('removetrack ' + e.track.kind + ':' + e.track.id));
      if (t.kind === 'video') {
        const v = document.createElement('video');
        v.muted = true; v.autoplay = true; v.playsInline = true;
        v.srcObject = new MediaStream([t]);
        document.body.appendChild(v);
        e2e.videos.push(v);
        v.play().catch((e) => e2e.events.push('video play: ' + e));
      }
    });
    return true;
  };
  e2e.answer = async ([name, sdp]) => {
    const pc = sb.pcs[name] || (e2e.subscriberPc(name), sb.pcs[name]);
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await sb.waitGathering(pc);
    return pc.localDescription.sdp;
  };
  e2e.publish = async (name) => {
    const pc = sb.newPc(name);
    const s = await sb.getMicCam();
    e2e.local = s;
    pc.addTransceiver(s.getAudioTracks()[0], { direction: 'sendonly', streams: [s] });
    pc.addTransceiver(s.getVideoTracks()[0], { direction: 'sendonly', streams: [s] });
    await pc.setLocalDescription(await pc.createOffer());
    await sb.waitGathering(pc);
    return pc.localDescription.sdp;
  };
  return true;
}`;

/** Answers every subscriber offer of `p` in `page` (serialised); returns a stop function and the answer count. */
export function autoAnswer(p: Participant, page: Page, pcName: string): { answers: () => number; errors: Error[]; idle: () => Promise<void> } {
  let chain = Promise.resolve();
  let answers = 0;
  const errors: Error[] = [];
  p.on('subscriberOffer', (sdp) => {
    chain = chain.then(async () => {
      const answer = await evalInPage<string>(page, 'e2e.answer', [pcName, sdp], 20_000);
      await p.subscriberAnswer(answer);
      answers++;
    }).catch((e: Error) => { errors.push(e); });
  });
  return { answers: () => answers, errors, idle: () => chain };
}
