// The capture tap on an ICE-TCP transport: packets of a transport whose selected pair is
// TCP are recorded as UDP pseudo-packets between the client's TCP address and port and
// the server's ICE-TCP listening port (not the UDP one); after the pair switches to UDP,
// the same transport's packets carry the UDP ports. Read back with our reader and `pcap info`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransportServer } from '../../src/transport/index.js';
import { generateCertificate } from '../../src/dtls/index.js';
import { CaptureFile, CAPTURE_IF_IN, CAPTURE_IF_OUT } from '../../src/engine/capture/index.js';
import { TransportTap } from '../../src/engine/capture/tap.js';
import { CaptureReader, PcapStatus, UdpLocation, locateUdp } from '../../src/pcap/index.js';
import { pcapInfo } from '../../src/cli/pcap.js';
import { framedClient, frame, until } from '../net/framed-client.js';
import { CLIENT, SERVER, chromiumLikeRequest } from '../stun/chromium-like.js';
import { rtp } from '../pcap/tcp-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-capture-tcp-'));

test('an ICE-TCP transport is recorded with its TCP ports; after a switch to UDP, with the UDP ones', async () => {
  const server = new TransportServer({ certificate: generateCertificate(), tcp: {} });
  await server.listen();
  const udp = createSocket('udp4');
  const file = join(dir, 'tcp.pcapng');
  try {
    const t = server.createTransport({ iceUfrag: SERVER.ufrag, icePwd: SERVER.pwd, remoteIceUfrag: CLIENT.ufrag, remoteIcePwd: CLIENT.pwd });
    const c = await framedClient(server.tcpPort);
    c.s.write(frame(chromiumLikeRequest()));
    await until(() => t.selectedProtocol === 'tcp');
    const clientPort = c.s.localPort!;
    const cf = new CaptureFile(file);
    const tap = new TransportTap(t, cf, server.mux.address, server.port, server.tcpPort);
    const onRtp = t.events.onRtp!;
    for (let i = 0; i < 5; i++) { const p = rtp(0x1111, i, i * 960); onRtp(p, p.length, performance.now()); }
    for (let i = 0; i < 3; i++) { const p = rtp(0x2222, i, i * 960); t.sendRtp(p, 0, p.length); }
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    udp.send(chromiumLikeRequest(Buffer.from('0102030405060708090a0b0c', 'hex')), server.port, '127.0.0.1');
    await until(() => t.selectedProtocol === 'udp');
    for (let i = 5; i < 7; i++) { const p = rtp(0x1111, i, i * 960); onRtp(p, p.length, performance.now()); }
    tap.remove();
    t.close();
    await cf.close();

    const r = CaptureReader.openFile(file);
    const loc = new UdpLocation();
    const seen: string[] = [];
    for (let s; (s = r.next()) !== PcapStatus.END;) {
      assert.is(s, PcapStatus.OK);
      assert.is(locateUdp(r.buf, r.dataOffset, r.capturedLength, r.linkType, loc), PcapStatus.OK);
      seen.push(`${r.interfaceId} ${loc.srcPort}>${loc.dstPort}`);
    }
    r.close();
    const tcpIn = `${CAPTURE_IF_IN} ${clientPort}>${server.tcpPort}`, tcpOut = `${CAPTURE_IF_OUT} ${server.tcpPort}>${clientPort}`;
    const udpIn = `${CAPTURE_IF_IN} ${udp.address().port}>${server.port}`;
    assert.equal(seen, [...Array(5).fill(tcpIn), ...Array(3).fill(tcpOut), udpIn, udpIn]);
    assert.is.not(server.tcpPort, server.port);
    const rep = pcapInfo(file);
    assert.equal(rep.flows.map((f) => [f.srcPort, f.dstPort, f.streams[0].packets]), [[clientPort, server.tcpPort, 5], [server.tcpPort, clientPort, 3], [udp.address().port, server.port, 2]]);
  } finally {
    udp.close();
    server.close();
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
