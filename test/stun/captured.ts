// The captured Chromium ICE check (ICE-CONTROLLING + USE-CANDIDATE) from
// fixtures/stun/chromium with the credentials that key it, for benches and fuzz seeds.
import { readFileSync } from 'node:fs';

interface Entry { file: string; username?: string; integrityPassword: string; attributes: string[] }
const dir = new URL('../../fixtures/stun/chromium/', import.meta.url);

export function capturedChromiumCheck(): { bytes: Buffer; localUfrag: string; localPwd: string; remoteUfrag: string } {
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as { messages: Entry[] };
  const e = manifest.messages.find((m) => m.username && m.attributes.includes('USE-CANDIDATE(0)'));
  if (!e) throw new Error('no captured Chromium check with USE-CANDIDATE in fixtures/stun/chromium');
  const [localUfrag, remoteUfrag] = e.username!.split(':');
  return { bytes: readFileSync(new URL(e.file, dir)), localUfrag, localPwd: e.integrityPassword, remoteUfrag };
}

export function capturedChromiumMessages(): Buffer[] {
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as { messages: Entry[] };
  return manifest.messages.map((m) => readFileSync(new URL(m.file, dir)));
}
