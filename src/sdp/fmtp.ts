// fmtp parameter strings: "key=value;key=value" (RFC 8866 §6.15 leaves the format to each
// codec; all WebRTC video/audio codecs use this form except RED, whose fmtp is "111/111").

/** Parses "a=1;b=2" into an ordered record. Keys are lower-cased; a bare token maps to ''. */
export function parseFmtpParameters(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of s.split(';')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq < 0) out[p.toLowerCase()] = '';
    else out[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
  }
  return out;
}

export function formatFmtpParameters(params: Record<string, string>): string {
  return Object.entries(params).map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join(';');
}
