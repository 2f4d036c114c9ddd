// One ICE-lite + DTLS + SRTP transport: the composition of the protocol layers that a
// browser's RTCPeerConnection talks to. It is a MuxPeer on a worker's UdpMux:
//   STUN -> IceLiteAgent (answers checks, tracks the nominated pair and consent)
//   DTLS -> DtlsEndpoint (handshake; on connect, SRTP keys for both directions)
//   SRTP -> SrtpContext.unprotect in place -> onRtp / onRtcp
// and sends RTP/RTCP by protecting straight into a send-queue slot. The send path
// belongs to the selected pair: the worker's UDP send queue, or the ICE-TCP connection
// the pair's checks arrived on (whichever ICE nominated last).
//
// ICE restart (restartLocal / restartRemote) changes only the ICE credentials: DTLS and
// the SRTP contexts are kept, so media continues with the same keys on whichever path the
// new checks nominate; until then it stays on the old one.
import { randomBytes } from 'node:crypto';
import type { MuxPeer, SendPath, UdpMux } from '../net/index.js';
import { IceAgent, IceLiteAgent, type CandidatePair } from '../stun/index.js';
import { DtlsEndpoint, type DtlsCertificate, type DtlsConnectedInfo, type DtlsError, type Fingerprint } from '../dtls/index.js';
import { SrtpContext, SRTP_MAX_TRAILER } from '../srtp/index.js';
import type { DataChannel, DataChannelEndpoint } from '../sctp/index.js';
import { createDataChannelEndpoint, type DataChannelParams } from './data-channels.js';

export type TransportState = 'new' | 'checking' | 'connected' | 'failed' | 'closed';
export type TransportCloseReason = 'closed' | 'ice-failed' | 'ice-consent-expired' | 'dtls-failed' | 'dtls-closed';

export interface RemoteCandidate {
  address: string;
  port: number;
  priority?: number;
}

export interface WebRtcTransportOptions {
  mux: UdpMux;
  certificate: DtlsCertificate;
  /** Our DTLS role: 'server' when we answered with a=setup:passive (the usual case). */
  dtlsRole?: 'server' | 'client';
  /**
   * 'lite' (default): the server side, answering checks (RFC 8445 §2.5).
   * 'controlling': the client side (synthetic publishers/subscribers): runs checks
   * against `remoteCandidates`, nominates, keeps consent.
   */
  iceRole?: 'lite' | 'controlling';
  /** Where a controlling agent sends its checks (the server's host candidates). */
  remoteCandidates?: RemoteCandidate[];
  /** Our ICE credentials; generated when absent (ufrag 8 chars, pwd 24 chars). */
  iceUfrag?: string;
  icePwd?: string;
  remoteIceUfrag?: string;
  remoteIcePwd?: string;
  remoteFingerprints?: Fingerprint[];
  srtpProfiles?: number[];
  /** DTLS first retransmission timeout, ms. */
  dtlsRetransmitMs?: number;
  /** RFC 7675 consent timeout, ms (default 30 000). */
  consentTimeoutMs?: number;
  /** Called once when the transport closes, before events.onClose (its owner's hook). */
  release?: (t: WebRtcTransport) => void;
  /** ICE restart: may this new local ufrag be used (false: taken, another is drawn)? Its owner maps it. */
  claimUfrag?: (t: WebRtcTransport, ufrag: string) => boolean;
  /**
   * ICE restart: the previous local ufrag is no longer answered (its owner unmaps it);
   * `tcpPaths` are the ICE-TCP connections of its pairs (not the selected one) to close.
   */
  ufragRetired?: (t: WebRtcTransport, ufrag: string, tcpPaths: { address: string; port: number }[]) => void;
  /** How long the previous ICE credentials answer after a restart, at most (ms, default 30 000). */
  iceRestartGraceMs?: number;
}

export interface TransportStats {
  rtpIn: number;
  rtcpIn: number;
  rtpOut: number;
  rtcpOut: number;
  /** SRTP/SRTCP bytes as on the wire (received after unprotect succeeded; sent after protect). */
  bytesIn: number;
  bytesOut: number;
  /** SRTP/SRTCP packets that failed unprotect (auth, replay, malformed). */
  srtpInDropped: number;
  /** Media before SRTP keys exist, or from an address that is not the selected pair. */
  mediaDroppedNotReady: number;
  sendDropped: number;
  /** DTLS handshakes completed (1 for the transport's life: an ICE restart keeps the association). */
  dtlsConnects: number;
}

export interface TransportEvents {
  /** Decrypted RTP; `buf[0..len)` is valid only during the call. */
  onRtp?: (buf: Buffer, len: number, nowMs: number) => void;
  onRtcp?: (buf: Buffer, len: number, nowMs: number) => void;
  onConnected?: (info: DtlsConnectedInfo) => void;
  onStateChange?: (state: TransportState) => void;
  onClose?: (reason: TransportCloseReason, error?: Error) => void;
  /** The peer opened a data channel (DCEP) on this transport's SCTP association. */
  onDataChannel?: (ch: DataChannel) => void;
}

const ICE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
export function randomIceString(n: number): string {
  const b = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += ICE_CHARS[b[i] & 63];
  return s;
}

export class WebRtcTransport implements MuxPeer {
  #iceUfrag: string;
  #icePwd: string;
  /** The ICE-lite agent (iceRole 'lite'). */
  readonly ice: IceLiteAgent;
  /** The full controlling agent (iceRole 'controlling'), else undefined. */
  readonly iceAgent: IceAgent | undefined;
  readonly dtls: DtlsEndpoint;
  /** SCTP + DCEP, once enableDataChannels() was called (the SDP has a data section). */
  data: DataChannelEndpoint | undefined;
  readonly stats: TransportStats = { rtpIn: 0, rtcpIn: 0, rtpOut: 0, rtcpOut: 0, bytesIn: 0, bytesOut: 0, srtpInDropped: 0, mediaDroppedNotReady: 0, sendDropped: 0, dtlsConnects: 0 };
  state: TransportState = 'new';
  connectedInfo: DtlsConnectedInfo | undefined;
  events: TransportEvents = {};

  readonly #mux: UdpMux;
  readonly #release: ((t: WebRtcTransport) => void) | undefined;
  readonly #claimUfrag: (t: WebRtcTransport, ufrag: string) => boolean;
  readonly #ufragRetired: (t: WebRtcTransport, ufrag: string, tcpPaths: { address: string; port: number }[]) => void;
  readonly #dtlsRole: 'server' | 'client';
  readonly #stunOut = Buffer.allocUnsafe(1500);
  #remote: CandidatePair | null = null;
  /** Where packets for #remote leave (UDP queue or an ICE-TCP link). */
  #remotePath: SendPath;
  /** The path the packet being handled came in on (set around ICE callbacks). */
  #inPath: SendPath;
  #srtpIn: SrtpContext | undefined;
  #srtpOut: SrtpContext | undefined;
  #closed = false;

  constructor(opts: WebRtcTransportOptions) {
    this.#mux = opts.mux;
    this.#remotePath = opts.mux.sendQueue;
    this.#inPath = opts.mux.sendQueue;
    this.#release = opts.release;
    this.#dtlsRole = opts.dtlsRole ?? 'server';
    this.#claimUfrag = opts.claimUfrag ?? (() => true);
    this.#ufragRetired = opts.ufragRetired ?? (() => {});
    this.#iceUfrag = opts.iceUfrag ?? randomIceString(8);
    this.#icePwd = opts.icePwd ?? randomIceString(24);
    this.ice = new IceLiteAgent({
      localUfrag: this.#iceUfrag,
      localPwd: this.#icePwd,
      remoteUfrag: opts.remoteIceUfrag,
      remotePwd: opts.remoteIcePwd,
      consentTimeoutMs: opts.consentTimeoutMs,
      ...(opts.iceRestartGraceMs !== undefined ? { restartGraceMs: opts.iceRestartGraceMs } : {}),
    });
    this.ice.onSelectedPair((pair) => this.#onSelectedPair(pair));
    this.ice.onConsentExpired(() => this.#shutdown('ice-consent-expired'));
    this.ice.onRetired((ufrag, pairs) => this.#onRetired(ufrag, pairs));
    if (opts.iceRole === 'controlling') {
      const agent = new IceAgent({
        localUfrag: this.#iceUfrag,
        localPwd: this.#icePwd,
        remoteUfrag: opts.remoteIceUfrag,
        remotePwd: opts.remoteIcePwd,
        consentTimeoutMs: opts.consentTimeoutMs,
      });
      agent.onSend((buf, len, address, port) => this.#mux.send(buf, 0, len, port, address));
      agent.onConnected((pair) => this.#onSelectedPair(pair));
      agent.onFailed(() => this.#shutdown('ice-failed'));
      agent.onConsentLost(() => this.#shutdown('ice-consent-expired'));
      for (const c of opts.remoteCandidates ?? []) {
        agent.addRemoteCandidate(c.address, c.port, c.priority ?? 2130706431);
        // Responses come back from the candidate's address: route them here.
        this.#mux.bind(c.address, c.port, this);
      }
      this.iceAgent = agent;
      this.#agentRemoteUfrag = opts.remoteIceUfrag;
    } else {
      this.iceAgent = undefined;
    }
    this.dtls = new DtlsEndpoint({
      role: this.#dtlsRole,
      certificate: opts.certificate,
      remoteFingerprints: opts.remoteFingerprints,
      srtpProfiles: opts.srtpProfiles,
      initialRetransmitMs: opts.dtlsRetransmitMs,
      send: (buf, len) => this.#sendRaw(buf, len),
      onConnected: (info) => this.#onDtlsConnected(info),
      onError: (err: DtlsError) => this.#shutdown('dtls-failed', err),
      onClosed: () => this.#shutdown('dtls-closed'),
      onApplicationData: (d) => this.data?.handlePacket(d),
    });
  }

  /**
   * Turns on data channels (idempotent): called when the negotiated SDP has an
   * m=application webrtc-datachannel section. The association starts once DTLS is up.
   */
  enableDataChannels(p: DataChannelParams): DataChannelEndpoint {
    if (this.data) return this.data;
    const d = createDataChannelEndpoint(this.dtls, this.#dtlsRole, p);
    d.on('datachannel', (ch) => this.events.onDataChannel?.(ch));
    this.data = d;
    if (this.state === 'connected') d.connect();
    return d;
  }

  /** Our current ICE credentials (new ones after restartLocal / restartRemote). */
  get iceUfrag(): string { return this.#iceUfrag; }
  get icePwd(): string { return this.#icePwd; }
  /** The peer's ICE ufrag for the current credentials (undefined until known). */
  get remoteIceUfrag(): string | undefined { return this.iceAgent === undefined ? this.ice.remoteUfrag : this.#agentRemoteUfrag; }
  #agentRemoteUfrag: string | undefined;

  /**
   * From the peer's SDP, when it was not known at construction (or changed). A changed
   * ufrag is an ICE restart (restartRemote): read iceUfrag/icePwd afterwards for the answer.
   */
  setRemoteParameters(ufrag: string, pwd: string, fingerprints: Fingerprint[]): void {
    const known = this.remoteIceUfrag;
    if (known !== undefined && known !== ufrag && this.iceAgent === undefined) this.restartRemote(ufrag, pwd);
    else {
      this.ice.setRemoteCredentials(ufrag, pwd);
      this.iceAgent?.setRemoteCredentials(ufrag, pwd);
      this.#agentRemoteUfrag = ufrag;
    }
    this.dtls.setRemoteFingerprints(fingerprints);
  }

  /**
   * We restart ICE (an ICE-restart offer of ours): new local ufrag/pwd; the peer's new
   * ones come with its answer (restartRemote or setRemoteParameters). DTLS and SRTP are
   * untouched; the old credentials keep answering on the old path until a check on the
   * new ones nominates a pair (or the grace period after the peer's answer ends).
   * ICE-lite role only.
   */
  restartLocal(): { ufrag: string; pwd: string } {
    if (this.iceAgent !== undefined) throw new Error('ICE restart is implemented for the ICE-lite role only');
    if (this.#closed) throw new Error('transport closed');
    let ufrag = randomIceString(8);
    for (let i = 0; !this.#claimUfrag(this, ufrag); i++) {
      if (i > 8) throw new Error('no free ICE ufrag');
      ufrag = randomIceString(8);
    }
    // A restart of an unfinished restart drops that one's credentials (the oldest still answer).
    const dropped = this.ice.restarting ? this.#iceUfrag : undefined;
    this.#iceUfrag = ufrag;
    this.#icePwd = randomIceString(24);
    this.ice.restart(this.#iceUfrag, this.#icePwd);
    if (dropped !== undefined) this.#ufragRetired(this, dropped, []);
    return { ufrag: this.#iceUfrag, pwd: this.#icePwd };
  }

  /**
   * The peer restarted ICE (its offer or answer has a new ice-ufrag/pwd). When it is the
   * offerer we must change our credentials too (RFC 8839 §4.4.1.1.1): unless restartLocal
   * already did for this restart, new local ones are made here. Returns ours.
   */
  restartRemote(ufrag: string, pwd: string): { ufrag: string; pwd: string } {
    if (this.iceAgent !== undefined) throw new Error('ICE restart is implemented for the ICE-lite role only');
    if (this.ice.remoteUfrag !== ufrag) {
      // A pending restartLocal has no remote ufrag yet: that restart is this one.
      if (this.ice.remoteUfrag !== undefined) this.restartLocal();
      this.ice.setRemoteCredentials(ufrag, pwd);
    }
    return { ufrag: this.#iceUfrag, pwd: this.#icePwd };
  }

  /** True when a datagram from an unknown address may claim a route to this transport. */
  authenticates(buf: Buffer, len: number): boolean {
    return !this.#closed && this.ice.isAuthenticatedRequest(buf, len);
  }

  get selectedAddress(): string | undefined {
    return this.#remote?.address;
  }

  get selectedPort(): number | undefined {
    return this.#remote?.port;
  }

  /** 'udp' or 'tcp' (ICE-TCP) for the selected pair. */
  get selectedProtocol(): 'udp' | 'tcp' | undefined {
    return this.#remote?.protocol;
  }

  // ---- MuxPeer: datagrams from the socket ----

  onStun(buf: Buffer, len: number, address: string, port: number, family: 4 | 6, nowMs: number, path?: SendPath): void {
    if (this.#closed) return;
    if (this.iceAgent !== undefined) {
      this.iceAgent.handleDatagram(buf, len, address, port, family, nowMs);
      return;
    }
    const ice = this.ice;
    const out = path ?? this.#mux.sendQueue;
    // A nomination inside handleRequest selects the pair this check came in on.
    this.#inPath = out;
    ice.handleRequest(buf, len, address, port, family, nowMs, this.#stunOut, path === undefined ? 'udp' : 'tcp');
    if (ice.responseLength > 0) out.enqueue(this.#stunOut, 0, ice.responseLength, port, address);
  }

  onDtls(buf: Buffer, len: number, address: string, port: number, nowMs: number, path?: SendPath): void {
    if (this.#closed) return;
    // DTLS before nomination is allowed from a validated pair (the client may start the
    // handshake as soon as its check succeeded).
    if (this.#remote === null) {
      const pair = this.ice.findPair(address, port, path === undefined ? 'udp' : 'tcp');
      if (pair === null) return;
      this.#remote = pair;
      this.#remotePath = path ?? this.#mux.sendQueue;
    }
    this.dtls.handleDatagram(buf, len, nowMs);
  }

  onRtp(buf: Buffer, len: number, address: string, port: number, nowMs: number): void {
    const rx = this.#srtpIn;
    if (rx === undefined) {
      this.stats.mediaDroppedNotReady++;
      return;
    }
    const n = rx.unprotectRtp(buf, len);
    if (n < 0) {
      this.stats.srtpInDropped++;
      return;
    }
    this.stats.rtpIn++;
    this.stats.bytesIn += len;
    this.events.onRtp?.(buf, n, nowMs);
  }

  onRtcp(buf: Buffer, len: number, address: string, port: number, nowMs: number): void {
    const rx = this.#srtpIn;
    if (rx === undefined) {
      this.stats.mediaDroppedNotReady++;
      return;
    }
    const n = rx.unprotectRtcp(buf, len);
    if (n < 0) {
      this.stats.srtpInDropped++;
      return;
    }
    this.stats.rtcpIn++;
    this.stats.bytesIn += len;
    this.events.onRtcp?.(buf, n, nowMs);
  }

  // ---- sending ----

  /** Protects a copy of buf[off..off+len) into a send slot and queues it. */
  sendRtp(buf: Buffer, off: number, len: number): boolean {
    return this.#sendProtected(buf, off, len, false);
  }

  sendRtcp(buf: Buffer, off: number, len: number): boolean {
    return this.#sendProtected(buf, off, len, true);
  }

  #sendProtected(buf: Buffer, off: number, len: number, rtcp: boolean): boolean {
    const tx = this.#srtpOut;
    const remote = this.#remote;
    const q = this.#remotePath;
    if (tx === undefined || remote === null || len + SRTP_MAX_TRAILER > q.slotSize) {
      this.stats.sendDropped++;
      return false;
    }
    const slot = q.acquire();
    if (slot === undefined) {
      this.stats.sendDropped++;
      return false;
    }
    // A partial-range buf.copy makes a view object per call on Node 20; copying the whole
    // (datagram-sized) source with set() is a plain memcpy. Bytes past len are ignored.
    if (off === 0 && buf.length <= slot.length) slot.set(buf, 0);
    else buf.copy(slot, 0, off, off + len);
    const n = rtcp ? tx.protectRtcp(slot, len) : tx.protectRtp(slot, len);
    if (n < 0) {
      this.stats.sendDropped++;
      return false;
    }
    q.commit(n, remote.port, remote.address);
    this.stats.bytesOut += n;
    if (rtcp) this.stats.rtcpOut++;
    else this.stats.rtpOut++;
    return true;
  }

  #sendRaw(buf: Buffer, len: number): void {
    const r = this.#remote;
    if (r !== null) this.#remotePath.enqueue(buf, 0, len, r.port, r.address);
  }

  /** Drives DTLS retransmission and ICE consent; call every few tens of ms. */
  tick(nowMs: number): void {
    if (this.#closed) return;
    if (this.iceAgent !== undefined) this.iceAgent.tick(nowMs);
    else this.ice.tick(nowMs);
    if (!this.#closed) this.dtls.tick(nowMs);
  }

  #onSelectedPair(pair: CandidatePair): void {
    const first = this.#remote === null;
    this.#remote = pair;
    this.#remotePath = this.iceAgent === undefined ? this.#inPath : this.#mux.sendQueue;
    if (this.state === 'new') this.#setState('checking');
    // As DTLS client we speak first, once ICE has a pair.
    if (first && this.#dtlsRole === 'client') this.dtls.start(pair.lastValidMs);
  }

  /** The old credentials are gone: their tuples stop routing here (the selected one stays). */
  #onRetired(ufrag: string, pairs: CandidatePair[]): void {
    const tcp: { address: string; port: number }[] = [];
    for (const p of pairs) {
      if (p === this.#remote) continue;
      if (p.protocol === 'udp') this.#mux.unbindPeer(p.address, p.port, this);
      else tcp.push({ address: p.address, port: p.port });
    }
    this.#ufragRetired(this, ufrag, tcp);
  }

  #onDtlsConnected(info: DtlsConnectedInfo): void {
    const k = info.srtpKeys;
    if (k === undefined) {
      this.#shutdown('dtls-failed', new Error('DTLS connected without an SRTP profile'));
      return;
    }
    // One context per direction (each keeps RTP and SRTCP state apart).
    this.#srtpOut = new SrtpContext(k.profile, k.localMasterKey, k.localMasterSalt);
    this.#srtpIn = new SrtpContext(k.profile, k.remoteMasterKey, k.remoteMasterSalt);
    this.connectedInfo = info;
    this.stats.dtlsConnects++;
    this.#setState('connected');
    this.events.onConnected?.(info);
    this.data?.connect();
  }

  #setState(s: TransportState): void {
    if (this.state === s) return;
    this.state = s;
    this.events.onStateChange?.(s);
  }

  #shutdown(reason: TransportCloseReason, error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#mux.removePeer(this);
    this.#setState(reason === 'closed' ? 'closed' : 'failed');
    this.data?.close();
    if (reason !== 'dtls-closed' && reason !== 'dtls-failed') this.dtls.close();
    this.#release?.(this);
    this.events.onClose?.(reason, error);
  }

  /** Idempotent: sends close_notify, forgets the routes, reports 'closed' once. */
  close(): void {
    this.#shutdown('closed');
  }

  get closed(): boolean {
    return this.#closed;
  }
}
