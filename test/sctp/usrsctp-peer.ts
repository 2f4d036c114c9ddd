// A minimal WebRTC answerer made of our own layers — ICE-lite (src/stun), DTLS server
// (src/dtls, no use_srtp: a data-only connection) and our SCTP/DCEP (src/sctp) on one
// loopback UDP socket — facing node-datachannel (libdatachannel + usrsctp), an SCTP stack
// nobody here wrote. Test-only glue; the product's composition lives in src/transport.
import { createSocket, type Socket } from 'node:dgram';
import nodeDataChannel from 'node-datachannel';
import { IceLiteAgent } from '../../src/stun/index.js';
import { CookieSecret, DtlsEndpoint, generateCertificate } from '../../src/dtls/index.js';
import { DataChannelEndpoint } from '../../src/sctp/endpoint.js';

export interface Answerer {
  endpoint: DataChannelEndpoint;
  pc: nodeDataChannel.PeerConnection;
  close(): void;
}

function attr(sdp: string, name: string): string {
  const m = new RegExp(`^a=${name}:(.*)$`, 'm').exec(sdp);
  if (!m) throw new Error(`offer has no a=${name}`);
  return m[1].trim();
}

/** Connects node-datachannel (offerer, DTLS client) to our stack (answerer, DTLS server). */
export async function connectUsrsctp(configure: (pc: nodeDataChannel.PeerConnection) => void, maxMessageSize = 262144): Promise<Answerer> {
  const sock: Socket = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const port = sock.address().port;
  const cert = generateCertificate();
  const ufrag = 'sbUfrag1';
  const pwd = 'sbPasswordForTheTest1234';
  const lite = new IceLiteAgent({ localUfrag: ufrag, localPwd: pwd });
  const stunOut = Buffer.alloc(1500);
  let peer: { address: string; port: number } | null = null;
  const sendTo = (b: Buffer, len: number) => { if (peer) sock.send(Buffer.from(b.subarray(0, len)), peer.port, peer.address); };
  // eslint-disable-next-line prefer-const
  let endpoint: DataChannelEndpoint;
  const dtls = new DtlsEndpoint({
    role: 'server', certificate: cert, srtpProfiles: [], cookieSecret: new CookieSecret(), peerId: 'test',
    send: (b, len) => sendTo(b, len),
    onApplicationData: (d) => endpoint.handlePacket(d),
    onConnected: () => endpoint.connect(),
  });
  endpoint = new DataChannelEndpoint({
    dtlsRole: 'server', remoteMaxMessageSize: maxMessageSize, maxMessageSize,
    output: (b, len) => dtls.sendApplicationData(Buffer.from(b.subarray(0, len))),
  });
  const timer = setInterval(() => dtls.tick(performance.now()), 20);
  sock.on('message', (msg, rinfo) => {
    const now = performance.now();
    const b0 = msg[0];
    if (b0 < 4) {
      lite.handleRequest(msg, msg.length, rinfo.address, rinfo.port, 4, now, stunOut);
      if (lite.responseLength) sock.send(Buffer.from(stunOut.subarray(0, lite.responseLength)), rinfo.port, rinfo.address);
      if (!peer) peer = { address: rinfo.address, port: rinfo.port };
    } else if (b0 >= 20 && b0 <= 63) {
      peer = { address: rinfo.address, port: rinfo.port };
      dtls.handleDatagram(msg, msg.length, now);
    }
  });

  const pc = new nodeDataChannel.PeerConnection('usrsctp-peer', { iceServers: [], maxMessageSize });
  const offer = new Promise<string>((resolve) => pc.onLocalDescription((sdp, type) => { if (type === 'offer') resolve(sdp); }));
  configure(pc);
  const sdp = await offer;
  lite.setRemoteCredentials(attr(sdp, 'ice-ufrag'), attr(sdp, 'ice-pwd'));
  const [alg, value] = attr(sdp, 'fingerprint').split(' ');
  dtls.setRemoteFingerprints([{ algorithm: alg.toLowerCase() as 'sha-256', value }]);
  const mid = attr(sdp, 'mid');
  const answer = [
    'v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 't=0 0', `a=group:BUNDLE ${mid}`, 'a=ice-lite',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'c=IN IP4 127.0.0.1', `a=mid:${mid}`,
    `a=ice-ufrag:${ufrag}`, `a=ice-pwd:${pwd}`, `a=fingerprint:${cert.fingerprint.algorithm} ${cert.fingerprint.value}`,
    'a=setup:passive', 'a=sctp-port:5000', `a=max-message-size:${maxMessageSize}`,
    `a=candidate:1 1 UDP 2130706431 127.0.0.1 ${port} typ host`, 'a=end-of-candidates', '',
  ].join('\r\n');
  pc.setRemoteDescription(answer, 'answer');
  return {
    endpoint, pc,
    close() {
      clearInterval(timer);
      endpoint.close();
      dtls.close();
      try { pc.close(); } catch { /* closed */ }
      sock.close();
    },
  };
}
