// README.md texts for the folders scripts/capture-peer-fixtures.ts writes. Generated with the
// capture so the versions, ports and ICE credentials they quote match the bytes beside them.
import type { Session } from '../test/peers/capture-sessions.js';

const RUN = "unshare -n sh -c 'ip link set lo up; node --import tsx scripts/capture-peer-fixtures.ts'";
const ice = (sdp: string, k: 'ufrag' | 'pwd'): string => new RegExp(`a=ice-${k}:(\\S+)`).exec(sdp)![1]!;

export function sdpChromiumReadme(version: string, date: string): string {
  return `# Real Chromium SDP

Chromium ${version} (Debian package \`chromium\`), headless, driven by playwright-core, captured
${date} by \`scripts/capture-peer-fixtures.ts\` (run: \`${RUN}\`), inside a network namespace
with only \`lo\` up, fake mic (fixtures/audio/speech16k.wav) and fake camera, default
RTCPeerConnection config (bundlePolicy balanced, no ICE servers). Every description is the
\`localDescription.sdp\` after ICE gathering completed (non-trickle: candidates are inline).

| file | how it was made |
|---|---|
| audio-offer.sdp | \`addTrack(mic)\`, \`createOffer()\` |
| audio-video-offer.sdp | \`addTrack\` mic and camera (one stream), \`createOffer()\` |
| simulcast-offer.sdp | \`addTransceiver(mic,{direction:'sendonly'})\`, \`addTransceiver(cam,{direction:'sendonly', sendEncodings:[{rid:'q',scaleResolutionDownBy:4},{rid:'h',scaleResolutionDownBy:2},{rid:'f'}]})\` |
| recvonly-offer.sdp | \`addTransceiver('audio'/'video',{direction:'recvonly'})\` |
| audio-video-answer.sdp | Chromium's ANSWER (with its own mic+cam) to \`answer-input-audio-video-offer.sdp\` (another Chromium pc's sendrecv offer) |
| recvonly-answer.sdp | Chromium's ANSWER, with nothing to send, to \`answer-input-sendonly-offer.sdp\` (mic+cam transceivers \`sendonly\`: the shape an SFU offers a subscriber) |
| VERSION | the Chromium version string |

What these show:
- Candidates in the namespace: one \`udp\` host candidate on 127.0.0.1 and one \`tcp ... tcptype
  active\` on port 9 per gathered transport; no ::1, no mDNS names (WebRtcHideLocalIpsWithMdns is
  disabled by flag).
- Offers gather one transport per media TYPE before BUNDLE is agreed (audio and video m-lines
  carry different ports); answers bundle everything on the first m-line's port (others say 9).
- \`a=setup:actpass\` in offers, \`a=setup:active\` in answers (the answerer is the DTLS client).
- sha-256 fingerprints, \`a=ice-options:trickle\`, \`a=extmap-allow-mixed\`, \`rtcp-mux\`, \`rtcp-rsize\`.
`;
}

export function sdpWrtcReadme(date: string): string {
  return `# Real @roamhq/wrtc SDP

@roamhq/wrtc 0.10.0 (libwebrtc M106 inside Node), captured ${date} by
\`scripts/capture-peer-fixtures.ts\` (run: \`${RUN}\`) in a namespace with only \`lo\`.
Two wrtc peers in one process, each with one \`nonstandard.RTCAudioSource\` track.

| file | how it was made |
|---|---|
| audio-offer.sdp | \`addTrack(audioSourceTrack)\`, \`createOffer()\`, after ICE gathering completed |
| audio-answer.sdp | the other peer's answer to that offer (with its own audio track) |

Unlike Chromium, wrtc gathers udp AND tcp (passive) host candidates on both 127.0.0.1 and ::1.
It offers only DTLS 1.2 and SRTP AES_CM_128_HMAC_SHA1_80 (see fixtures/dtls/chromium/README.md).
`;
}

function sessionTable(s: Session): string {
  const rows = [...s.owners].map(([port, who]) => `| ${who} | 127.0.0.1:${port} |`).join('\n');
  return `| peer | UDP address |\n|---|---|\n${rows}\n\nICE credentials: offerer ufrag \`${ice(s.sdp.offer!, 'ufrag')}\` pwd \`${ice(s.sdp.offer!, 'pwd')}\`; ` +
    `answerer ufrag \`${ice(s.sdp.answer!, 'ufrag')}\` pwd \`${ice(s.sdp.answer!, 'pwd')}\`.`;
}

type Row = { file: string; from: string; to: string; bytes: number; records: Array<{ kind: string; epoch?: number; handshake?: { name: string; fragmentOffset: number; fragmentLength: number; length: number } }> };
/** One line per captured datagram: file, direction, size, records. */
export function datagramList(rows: Row[]): string {
  return rows.map((r) => `- \`${r.file}\` ${r.from} → ${r.to}, ${r.bytes} B: ` + r.records.map((x) => x.handshake
    ? `${x.handshake.name}${x.handshake.fragmentLength !== x.handshake.length ? ` [${x.handshake.fragmentOffset}+${x.handshake.fragmentLength}/${x.handshake.length}]` : ''}`
    : `${x.kind}${x.epoch !== undefined ? `@epoch${x.epoch}` : ''}`).join(', ')).join('\n');
}

export function dtlsReadme(version: string, date: string, c2c: Session, asClient: Session, asServer: Session, helloBytes: number[],
  lists: { c2c: string; asClient: string; asServer: string }): string {
  return `# Real DTLS (and SRTP) datagrams from Chromium

Chromium ${version} (Debian), captured ${date} by \`scripts/capture-peer-fixtures.ts\`
(run: \`${RUN}\`): \`tshark -i lo -a duration:40 udp\` runs inside the same namespace while the
peers connect, then \`tshark -r … -T fields -e udp.payload\` gives each datagram's payload.
Each \`.bin\` file is ONE UDP payload, byte for byte. \`manifest.json\` lists every file with its
sender, receiver, ports, and each DTLS record's header (and handshake fragment header).
The SDP each session used is in its folder (\`offer.sdp\`, \`answer.sdp\`).

## clienthello-1.bin, clienthello-2.bin

Chromium's first DTLS flight (answerer, \`a=setup:active\` → DTLS client) in session \`c2c\`:
ONE ClientHello of 1413 bytes sent as TWO handshake fragments in TWO datagrams
(${helloBytes.join(' + ')} bytes; fragment 0..1175 and 1175..1413, message_seq 0, record version
FEFF, epoch 0, no cookie). Its content, read from the bytes:
- legacy version FEFD; cipher suites TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384,
  TLS_CHACHA20_POLY1305_SHA256 (1.3), then ECDHE-ECDSA/RSA-AES128-GCM-SHA256, the CHACHA20 pair,
  ECDHE-ECDSA/RSA-AES-CBC-SHA, RSA-AES128-GCM, RSA-AES-CBC (0xc02b first among the 1.2 suites);
- supported_versions: DTLS 1.3 (FEFC), DTLS 1.2 (FEFD);
- supported_groups: X25519MLKEM768 (0x11ec), x25519, secp256r1, secp384r1;
  key_share: X25519MLKEM768 (1216 bytes) and x25519;
- use_srtp: SRTP_AES128_CM_HMAC_SHA1_80 (0x0001), SRTP_AEAD_AES_256_GCM (0x0008),
  SRTP_AEAD_AES_128_GCM (0x0007), empty MKI;
- extended_master_secret, renegotiation_info, signature_algorithms, psk_key_exchange_modes,
  ec_point_formats.
A DTLS 1.2 server must reassemble the two fragments, ignore the 1.3 offer and pick a
1.2 suite and a group from supported_groups (wrtc, a 1.2 server, picked x25519).

## c2c/ — Chromium ↔ Chromium (two RTCPeerConnections in one page, audio + video)

${sessionTable(c2c)}

The two Chromiums negotiate **DTLS 1.3** (getStats: tlsVersion FEFC, TLS_AES_128_GCM_SHA256,
SRTP_AES128_CM_HMAC_SHA1_80; offerer = DTLS server + ICE controlling). After the ClientHello
and the plaintext ServerHello (1174 bytes, one datagram) every record is DTLS 1.3 ciphertext
with the RFC 9147 unified header (first byte 0x2e/0x2f: 16-bit sequence number, length
present): useful for demux tests, not for a 1.2 stack.

${lists.c2c}

## chromium-client-vs-dtls12-server/ — Chromium as DTLS client, @roamhq/wrtc (DTLS 1.2 only) as server

The role our SFU plays: wrtc offers \`actpass\`, Chromium answers \`active\`.

${sessionTable(asClient)}

Negotiated DTLS 1.2, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, SRTP_AES128_CM_HMAC_SHA1_80.
Chromium may send its ClientHello pair more than once (retransmission while the server is not
ready yet); then wrtc's flight 4 (ServerHello, Certificate, ServerKeyExchange,
CertificateRequest, ServerHelloDone in one datagram), Chromium's flight 5 (Certificate,
ClientKeyExchange, CertificateVerify, ChangeCipherSpec, Finished at epoch 1 in ONE datagram),
wrtc's ChangeCipherSpec + Finished, and at the end an encrypted alert (close_notify) each way:

${lists.asClient}

## chromium-server-vs-dtls12-client/ — Chromium as DTLS server against a 1.2 client

Chromium offers \`actpass\`, wrtc answers \`active\`.

${sessionTable(asServer)}

wrtc's ClientHello (DTLS 1.2 only) is repeated until Chromium has the answer; then Chromium's
1.2 server flight and the usual finish:

${lists.asServer}

Chromium chose SRTP_AES128_CM_HMAC_SHA1_80
(the only profile wrtc offers). No HelloVerifyRequest from Chromium.

## srtp/ — SRTP and SRTCP datagrams from session c2c

The first three of each RTP payload type and each RTCP packet type (file names carry the PT
and sender; \`srtp/manifest.json\` has SSRC, sequence number, timestamp, and for SRTCP the
E-flag/index word). They are encrypted with keys nobody exported: use them for header, demux,
extension and length tests, not for decryption. SRTP profile: AES_CM_128_HMAC_SHA1_80
(10-byte tag). PT mapping: see \`c2c/offer.sdp\`.
`;
}

export function stunReadme(version: string, date: string, sessions: Session[]): string {
  return `# Real STUN binding requests and responses from Chromium

Chromium ${version}, captured ${date} with tshark on \`lo\` in a namespace by
\`scripts/capture-peer-fixtures.ts\` (run: \`${RUN}\`). Each \`.bin\` is one UDP payload.
\`manifest.json\` gives for each: session, sender, receiver, USERNAME, the attribute list, and
the password that keys its MESSAGE-INTEGRITY (checked by the capture script and by
test/peers/captured-fixtures.test.ts; tshark checks the FINGERPRINT).

Rule (RFC 8445 §7.2.2, short-term credentials): a request's USERNAME is
\`<receiver ufrag>:<sender ufrag>\` and its MESSAGE-INTEGRITY key is the RECEIVER's ice-pwd;
a success response is keyed with the responder's own ice-pwd.

${sessions.map((s) => `## session ${s.name}\n\n${sessionTable(s)}\n`).join('\n')}
Chromium's requests carry USERNAME, GOOG-NETWORK-INFO (0xC057), ICE-CONTROLLING or
ICE-CONTROLLED, USE-CANDIDATE (controlling side, aggressive nomination), PRIORITY,
MESSAGE-INTEGRITY, FINGERPRINT. Its responses: XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY,
FINGERPRINT. In \`chromium-dtls-client\` Chromium is ICE-controlled (wrtc offered).
`;
}
