// A hand-written minimal SDP answer for the transport-stack proof (issue 3): the full
// SDP layer lives in src/sdp; this only reads what the stack needs from an offer and
// answers one audio m-line, so the proof does not depend on the SDP layer.

export interface OfferFacts {
  ufrag: string;
  pwd: string;
  fingerprint: { algorithm: string; value: string };
  mid: string;
  opusPt: number;
  setup: string;
}

export function readOffer(sdp: string): OfferFacts {
  const line = (re: RegExp, what: string) => {
    const m = re.exec(sdp);
    if (!m) throw new Error(`offer has no ${what}`);
    return m;
  };
  const fp = line(/^a=fingerprint:(\S+) (\S+)\r?$/m, 'a=fingerprint');
  // Only the first (audio) m-section is answered.
  const audio = sdp.slice(sdp.indexOf('m=audio'));
  const mid = /^a=mid:(\S+)\r?$/m.exec(audio)?.[1];
  const opus = /^a=rtpmap:(\d+) opus\/48000\/2\r?$/im.exec(audio)?.[1];
  if (mid === undefined || opus === undefined) throw new Error('offer has no audio m-section with opus');
  return {
    ufrag: line(/^a=ice-ufrag:(\S+)\r?$/m, 'a=ice-ufrag')[1],
    pwd: line(/^a=ice-pwd:(\S+)\r?$/m, 'a=ice-pwd')[1],
    fingerprint: { algorithm: fp[1].toLowerCase(), value: fp[2] },
    mid,
    opusPt: Number(opus),
    setup: line(/^a=setup:(\S+)\r?$/m, 'a=setup')[1],
  };
}

export interface AnswerParams {
  offer: string;
  ufrag: string;
  pwd: string;
  /** 'sha-256 AB:CD:…' */
  fingerprint: string;
  port: number;
  address?: string;
}

/** Answers the offer's first audio m-section (sendonly from the offerer) with recvonly Opus. */
export function minimalAnswer(p: AnswerParams): string {
  const o = readOffer(p.offer);
  const addr = p.address ?? '127.0.0.1';
  const bundle = /^a=group:BUNDLE (.*)\r?$/m.exec(p.offer) ? `a=group:BUNDLE ${o.mid}\r\n` : '';
  return [
    'v=0',
    `o=- ${Date.now()} 1 IN IP4 ${addr}`,
    's=-',
    't=0 0',
    'a=ice-lite',
    bundle.trim(),
    'a=msid-semantic: WMS',
    `m=audio ${p.port} UDP/TLS/RTP/SAVPF ${o.opusPt}`,
    `c=IN IP4 ${addr}`,
    'a=rtcp-mux',
    `a=mid:${o.mid}`,
    'a=recvonly',
    `a=ice-ufrag:${p.ufrag}`,
    `a=ice-pwd:${p.pwd}`,
    `a=fingerprint:${p.fingerprint}`,
    'a=setup:passive',
    `a=rtpmap:${o.opusPt} opus/48000/2`,
    `a=fmtp:${o.opusPt} minptime=10;useinbandfec=1`,
    `a=candidate:1 1 udp 2130706431 ${addr} ${p.port} typ host`,
    'a=end-of-candidates',
    '',
  ].filter((l, i, all) => l !== '' || i === all.length - 1).join('\r\n');
}
