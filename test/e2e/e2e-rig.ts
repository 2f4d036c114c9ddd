// The Chromium side the e2e tests share: one browser, one static page server, N pages with
// the e2e page script installed, closed together; and the page code that publishes VP8
// simulcast (q/h/f), which several tests send.
import type { Page } from 'playwright-core';
import { evalInPage, launchChromium, type ChromiumPeer } from '../peers/chromium.js';
import { startStaticServer, type StaticServer } from '../peers/http.js';
import { INSTALL_E2E } from './page-call.js';

export interface E2ePages { browser: ChromiumPeer; http: StaticServer; pages: Page[]; close(): Promise<void> }

/** Launches Chromium and opens n pages with INSTALL_E2E run in each. */
export async function openE2ePages(n: number): Promise<E2ePages> {
  const http = await startStaticServer();
  // E2E_CHROMIUM_ARGS: extra flags for a diagnosis run (e.g. --enable-logging=stderr).
  const extraArgs = process.env.E2E_CHROMIUM_ARGS?.split(' ').filter(Boolean);
  const browser = await launchChromium({ extraArgs }).catch(async (e: unknown) => { await http.close(); throw e; });
  const pages: Page[] = [];
  const close = async (): Promise<void> => {
    for (const p of pages) await evalInPage(p, '() => sb.closeAll()').catch(() => undefined);
    await browser.close();
    await http.close();
  };
  try {
    for (let i = 0; i < n; i++) { const p = await browser.newPage(http.origin + '/'); await evalInPage(p, INSTALL_E2E); pages.push(p); }
  } catch (e) { await close(); throw e; }
  return { browser, http, pages, close };
}

/** Page code: a sendonly VP8 simulcast video transceiver (q = 1/4, h = 1/2, f), 960x540 at 15 fps; returns the offer. */
export const PUBLISH_SIMULCAST = `async (name) => {
  const pc = sb.newPc(name);
  const s = await navigator.mediaDevices.getUserMedia({ video: { width: 960, height: 540, frameRate: 15 } });
  for (const t of s.getTracks()) sb.tracks.push(t);
  pc.addTransceiver(s.getVideoTracks()[0], { direction: 'sendonly', streams: [s], sendEncodings: [
    { rid: 'q', scaleResolutionDownBy: 4 }, { rid: 'h', scaleResolutionDownBy: 2 }, { rid: 'f' }] });
  await pc.setLocalDescription(await pc.createOffer());
  await sb.waitGathering(pc);
  return pc.localDescription.sdp;
}`;
