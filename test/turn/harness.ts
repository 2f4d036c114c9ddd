// A socket-free TURN test bench: TurnCore with fake client links, fake relays, an
// injected clock, and a small long-term-credential client built from src/stun's codec.
import {
  ATTR_NONCE, ATTR_REALM, ATTR_USERNAME, CLASS_REQUEST, CLASS_INDICATION, HmacSha1, ParseStatus, StunBuilder,
  StunMessageView, XorAddress, readXorAddress,
} from '../../src/stun/index.js';
import {
  ATTR_CHANNEL_NUMBER, ATTR_DATA, ATTR_LIFETIME, ATTR_REQUESTED_TRANSPORT, ATTR_XOR_PEER_ADDRESS, ATTR_XOR_RELAYED_ADDRESS,
  METHOD_ALLOCATE, METHOD_CHANNEL_BIND, METHOD_CREATE_PERMISSION, METHOD_REFRESH, METHOD_SEND, TRANSPORT_UDP,
  TurnCore, longTermKey, messageType, mintTurnCredential, writeChannelDataHeader,
  type ClientLink, type PeerPacketHandler, type RelayFactory, type RelayHandle, type TurnCoreConfig, type TurnEvent,
} from '../../src/turn/index.js';

export const SECRET = 'north-secret';
export const REALM = 'switchboard.test';
export const T0 = 1_800_000_000_000; // ms; credentials are minted relative to this clock

export class FakeLink implements ClientLink {
  readonly out: Buffer[] = [];
  #buf: Buffer | null = null;
  full = false;
  constructor(readonly address: string, readonly port: number, readonly transport: 'udp' | 'tcp' = 'udp', readonly family: 4 | 6 = 4) {}
  get stream(): boolean { return this.transport === 'tcp'; }
  acquire(size: number): Buffer | undefined {
    if (this.full) return undefined;
    this.#buf = Buffer.alloc(size, 0xee); // 0xee: padding must be overwritten with zeros
    return this.#buf;
  }
  commit(length: number): void { this.out.push(Buffer.from(this.#buf!.subarray(0, length))); }
  keep(): ClientLink { return this; }
  take(): Buffer | undefined { return this.out.shift(); }
}

export class FakeRelay implements RelayHandle {
  readonly sent: { data: Buffer; port: number; address: string }[] = [];
  closed = false;
  constructor(readonly address: string, readonly port: number, readonly family: 4 | 6, readonly deliver: PeerPacketHandler) {}
  send(buf: Buffer, off: number, len: number, port: number, address: string): boolean {
    this.sent.push({ data: Buffer.from(buf.subarray(off, off + len)), port, address });
    return true;
  }
  close(): void { this.closed = true; }
  /** A datagram from a peer arrives at this relay. */
  fromPeer(data: Buffer, address: string, port: number): void { this.deliver(data, data.length, address, port); }
}

export class FakeRelays implements RelayFactory {
  readonly opened: FakeRelay[] = [];
  nextPort = 50000;
  fail = false;
  async open(family: 4 | 6, evenPort: boolean, onPacket: PeerPacketHandler): Promise<RelayHandle | null> {
    if (this.fail) return null;
    let port = this.nextPort++;
    if (evenPort && port & 1) port = this.nextPort++;
    const r = new FakeRelay(family === 4 ? '198.51.100.7' : '2001:db8::7', port, family, onPacket);
    this.opened.push(r);
    return r;
  }
}

export interface Parsed {
  type: number;
  code: number;
  buf: Buffer;
  view: StunMessageView;
  /** Offset and length of the first attribute of a type, or undefined. */
  attr(type: number): { v: number; len: number } | undefined;
  u32(type: number): number;
  address(type: number): { address: string; port: number } | undefined;
  verify(key: HmacSha1): boolean;
}

export function parse(buf: Buffer): Parsed {
  const view = new StunMessageView();
  const st = view.reset(buf, 0, buf.length);
  if (st !== ParseStatus.Ok) throw new Error(`response does not parse: ${st}`);
  const attr = (type: number): { v: number; len: number } | undefined => {
    for (let p = view.firstAttribute(); p >= 0; p = view.nextAttribute(p)) if (view.attributeType(p) === type) return { v: p + 4, len: view.attributeLength(p) };
    return undefined;
  };
  return {
    type: view.type, code: view.errorCodeValue, buf, view, attr,
    u32: (t) => { const a = attr(t); return a ? view.readU32(a.v) : -1; },
    address: (t) => {
      const a = attr(t); if (!a) return undefined;
      const x = new XorAddress();
      if (!readXorAddress(buf, a.v, a.len, view.transactionId, x)) return undefined;
      return { address: x.address(), port: x.port };
    },
    verify: (key) => view.verifyIntegrity(key),
  };
}

let txCounter = 1;
export function newTx(): Buffer {
  const tx = Buffer.alloc(12);
  tx.writeUInt32BE(txCounter++, 8);
  return tx;
}

export interface RequestOptions {
  /** Sign with the credential (default true once a nonce is known). */
  sign?: boolean;
  tx?: Buffer;
  username?: string;
  nonce?: string;
  realm?: string;
  fingerprint?: boolean;
}

/** One client on one link, doing the 401 dance like a browser. */
export class TestClient {
  readonly b = new StunBuilder();
  nonce = '';
  realm = '';
  key: HmacSha1;
  relay?: { address: string; port: number };
  /** `bench` needs only `core`: a TurnCore built elsewhere (with its own realm) works too. */
  constructor(readonly bench: Pick<Bench, 'core'>, readonly link: FakeLink, public username: string, public password: string, readonly credentialRealm = REALM) {
    this.key = new HmacSha1(longTermKey(username, credentialRealm, password));
  }

  setCredential(username: string, password: string): void {
    this.username = username; this.password = password;
    this.key = new HmacSha1(longTermKey(username, this.credentialRealm, password));
  }

  /** Builds and sends a request; returns the response the core wrote (synchronously). */
  send(method: number, add: (b: StunBuilder) => void, o: RequestOptions = {}): Parsed | undefined {
    const buf = this.build(messageType(method, CLASS_REQUEST), add, o);
    this.bench.core.handleClient(this.link, buf, 0, buf.length);
    const out = this.link.take();
    if (!out) return undefined;
    const r = parse(out);
    if (r.code === 401 || r.code === 438) {
      const n = r.attr(ATTR_NONCE), re = r.attr(ATTR_REALM);
      if (n) this.nonce = r.view.text(n.v, n.len);
      if (re) this.realm = r.view.text(re.v, re.len);
    }
    return r;
  }

  build(type: number, add: (b: StunBuilder) => void, o: RequestOptions = {}): Buffer {
    const out = Buffer.alloc(2048);
    const b = this.b.begin(out, 0, type, o.tx ?? newTx(), 0);
    add(b);
    const sign = o.sign ?? (this.nonce !== '' && (type & 0x0110) === CLASS_REQUEST);
    if (sign) {
      b.text(ATTR_USERNAME, o.username ?? this.username).text(ATTR_REALM, o.realm ?? (this.realm || this.credentialRealm)).text(ATTR_NONCE, o.nonce ?? this.nonce);
      b.integrity(this.key);
    }
    if (o.fingerprint) b.fingerprint();
    return Buffer.from(out.subarray(0, b.end()));
  }

  /** Sends a request until it is past 401/438 (at most twice); returns the final answer. */
  request(method: number, add: (b: StunBuilder) => void, o: RequestOptions = {}): Parsed | undefined {
    let r = this.send(method, add, o);
    if (r && (r.code === 401 || r.code === 438) && o.sign === undefined) r = this.send(method, add, o);
    return r;
  }

  /** Allocate (with the 401 round trip); resolves once the fake relay is bound. */
  async allocate(add: (b: StunBuilder) => void = () => {}, o: RequestOptions = {}): Promise<Parsed | undefined> {
    const body = (b: StunBuilder): void => { b.u32(ATTR_REQUESTED_TRANSPORT, TRANSPORT_UDP << 24); add(b); };
    let r = this.request(METHOD_ALLOCATE, body, o);
    if (r) return r; // an error answered at once
    await flush();
    const out = this.link.take();
    r = out ? parse(out) : undefined;
    if (r && r.code === 0) this.relay = r.address(ATTR_XOR_RELAYED_ADDRESS);
    return r;
  }

  refresh(lifetime?: number, o: RequestOptions = {}): Parsed | undefined {
    return this.request(METHOD_REFRESH, (b) => { if (lifetime !== undefined) b.u32(ATTR_LIFETIME, lifetime); }, o);
  }

  permit(peers: string[], o: RequestOptions = {}): Parsed | undefined {
    return this.request(METHOD_CREATE_PERMISSION, (b) => { for (const p of peers) b.xorAddressText(ATTR_XOR_PEER_ADDRESS, p, 0); }, o);
  }

  bind(channel: number, peer: string, port: number, o: RequestOptions = {}): Parsed | undefined {
    return this.request(METHOD_CHANNEL_BIND, (b) => b.u32(ATTR_CHANNEL_NUMBER, channel << 16).xorAddressText(ATTR_XOR_PEER_ADDRESS, peer, port), o);
  }

  /** A Send indication (never answered). */
  sendIndication(peer: string, port: number, data: Buffer): void {
    const buf = this.build(messageType(METHOD_SEND, CLASS_INDICATION), (b) => b.xorAddressText(ATTR_XOR_PEER_ADDRESS, peer, port).bytes(ATTR_DATA, data), { sign: false });
    this.bench.core.handleClient(this.link, buf, 0, buf.length);
  }

  channelData(channel: number, data: Buffer, pad = 0): void {
    const buf = Buffer.alloc(4 + data.length + pad);
    writeChannelDataHeader(buf, 0, channel, data.length);
    data.copy(buf, 4);
    this.bench.core.handleClient(this.link, buf, 0, buf.length);
  }
}

export class Bench {
  now = T0;
  readonly relays = new FakeRelays();
  readonly events: TurnEvent[] = [];
  readonly core: TurnCore;
  constructor(config: Partial<TurnCoreConfig> = {}) {
    this.core = new TurnCore({ realm: REALM, secret: SECRET, allowPeers: ['203.0.113.5', '203.0.113.6:9000', '10.1.0.0/16'], ...config }, this.relays, () => this.now);
    this.core.onEvent = (e) => { this.events.push(e); };
  }

  /** A client with a fresh credential valid for an hour from the bench clock. */
  client(participant = 'alice', address = '192.0.2.10', port = 40000, transport: 'udp' | 'tcp' = 'udp'): TestClient {
    const c = mintTurnCredential(SECRET, participant, 3600, Math.floor(this.now / 1000));
    return new TestClient(this, new FakeLink(address, port, transport), c.username, c.password);
  }

  advance(ms: number): void {
    this.now += ms;
    this.core.tick(this.now);
  }

  relay(i = this.relays.opened.length - 1): FakeRelay { return this.relays.opened[i]; }
}

/** Lets the fake relay's promise settle. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 3; i++) await Promise.resolve();
}
