// Recorded sessions between real peers on lo, captured with tshark: Chromium <-> Chromium in
// one page, and Chromium <-> @roamhq/wrtc in either DTLS role. Used by
// scripts/capture-peer-fixtures.ts; also usable by interop tests that want the wire bytes.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { evalInPage, pageStats } from './chromium.js';
import { sleep, withTimeout } from './paths.js';
import { readUdpDatagrams, startCapture, type UdpDatagram } from './tshark.js';
import { createSpeechSender, createWrtcPc, waitConnected, wrtcStats, type SpeechSender, type WrtcPeerConnection } from './wrtc.js';

/** Candidate UDP host ports announced in an SDP. */
export function udpPorts(sdp: string): number[] {
  return [...sdp.matchAll(/a=candidate:\S+ 1 udp \d+ (\S+) (\d+) typ host/g)].map((m) => Number(m[2]));
}

export interface Session {
  name: string;
  /** UDP port -> who owns it ('chromium-offerer', 'wrtc-answerer', ...). */
  owners: Map<number, string>;
  sdp: Record<string, string>;
  stats: Record<string, unknown>;
  datagrams: UdpDatagram[];
}

/** Runs `run` while tshark captures UDP on lo into `<workDir>/<name>.pcap`; returns the datagrams. */
export async function captured(workDir: string, name: string, run: () => Promise<Omit<Session, 'name' | 'datagrams'>>): Promise<Session> {
  const file = join(workDir, `${name}.pcap`);
  const cap = await startCapture({ file, maxSeconds: 40 });
  let s: Omit<Session, 'name' | 'datagrams'>;
  try {
    s = await withTimeout(run(), 35_000, `session ${name}`);
    await sleep(300);
  } finally {
    await cap.stop();
  }
  const datagrams = readUdpDatagrams(file);
    return { name, datagrams, ...s };
}

/** Chromium <-> Chromium in one page, audio + video, media for 1.5 s. */
export function chromiumToChromium(page: Page, workDir: string): Promise<Session> {
  return captured(workDir, 'c2c', async () => {
    const sdp = await evalInPage<{ offer: string; answer: string }>(page, `async () => {
      const tx = sb.newPc('tx'), rx = sb.newPc('rx');
      const s = await sb.getMicCam(); for (const t of s.getTracks()) tx.addTrack(t, s);
      const r = await sb.offerAnswer(tx, rx);
      await Promise.all([sb.waitConnected(tx), sb.waitConnected(rx)]);
      await new Promise((res) => setTimeout(res, 1500));
      return r;
    }`, undefined, 30_000);
    const stats = { offerer: await pageStats(page, 'tx'), answerer: await pageStats(page, 'rx') };
    await evalInPage(page, '() => sb.closeAll()');
    const owners = new Map<number, string>();
    for (const p of udpPorts(sdp.offer)) owners.set(p, 'chromium-offerer');
    for (const p of udpPorts(sdp.answer)) owners.set(p, 'chromium-answerer');
    return { owners, sdp, stats };
  });
}

/**
 * Chromium <-> @roamhq/wrtc (DTLS 1.2 only). `chromiumOffers` false: wrtc offers actpass and
 * Chromium answers setup:active, so Chromium is the DTLS client against a 1.2 server (the
 * role our server plays). true: Chromium offers, wrtc answers active, Chromium is DTLS server.
 */
export function chromiumAndWrtc(page: Page, workDir: string, chromiumOffers: boolean): Promise<Session> {
  return captured(workDir, chromiumOffers ? 'chromium-dtls-server' : 'chromium-dtls-client', async () => {
    let pc: WrtcPeerConnection | undefined;
    let sender: SpeechSender | undefined;
    try {
      pc = createWrtcPc();
      sender = createSpeechSender();
      pc.addTrack(sender.track);
      await evalInPage(page, `async () => { const pc = sb.newPc('c'); const s = await sb.getMic(); pc.addTrack(s.getAudioTracks()[0], s); }`);
      let offer: string;
      let answer: string;
      if (chromiumOffers) {
        offer = await evalInPage<string>(page, `async () => { const pc = sb.pcs.c;
          await pc.setLocalDescription(await pc.createOffer()); await sb.waitGathering(pc); return pc.localDescription.sdp; }`);
        await pc.setRemoteDescription({ type: 'offer', sdp: offer });
        await pc.setLocalDescription(await pc.createAnswer());
        await sleep(1000); // wrtc: gathering on lo completes well within this
        answer = pc.localDescription!.sdp;
        await evalInPage(page, `async (sdp) => sb.pcs.c.setRemoteDescription({ type: 'answer', sdp })`, answer);
      } else {
        await pc.setLocalDescription(await pc.createOffer());
        await sleep(1000);
        offer = pc.localDescription!.sdp;
        answer = await evalInPage<string>(page, `async (sdp) => { const pc = sb.pcs.c;
          await pc.setRemoteDescription({ type: 'offer', sdp });
          await pc.setLocalDescription(await pc.createAnswer()); await sb.waitGathering(pc); return pc.localDescription.sdp; }`, offer);
        await pc.setRemoteDescription({ type: 'answer', sdp: answer });
      }
      await Promise.all([waitConnected(pc), evalInPage(page, '() => sb.waitConnected(sb.pcs.c)')]);
      await sleep(1500);
      const stats = { chromium: await pageStats(page, 'c'), wrtc: await wrtcStats(pc) };
      const owners = new Map<number, string>();
      for (const p of udpPorts(chromiumOffers ? offer : answer)) owners.set(p, chromiumOffers ? 'chromium-offerer' : 'chromium-answerer');
      for (const p of udpPorts(chromiumOffers ? answer : offer)) owners.set(p, chromiumOffers ? 'wrtc-answerer' : 'wrtc-offerer');
      return { owners, sdp: { offer, answer }, stats };
    } finally {
      await evalInPage(page, '() => sb.closeAll()').catch(() => undefined);
      sender?.stop();
      pc?.close();
    }
  });
}
