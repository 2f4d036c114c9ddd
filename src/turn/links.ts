// The two edges the TURN core talks through, so the core stays socket-free (unit tests
// pass fakes; turn-server.ts passes dgram/net ones).

/** One client's transport address on the server: a UDP 5-tuple or a TCP connection. */
export interface ClientLink {
  readonly transport: 'udp' | 'tcp';
  readonly address: string;
  readonly port: number;
  readonly family: 4 | 6;
  /** True over TCP: ChannelData is padded to 4 bytes (RFC 8656 §12.5). */
  readonly stream: boolean;
  /**
   * A buffer of at least `size` bytes to write one outgoing message into at offset 0, or
   * undefined when the link cannot take more now (the message is dropped and counted).
   */
  acquire(size: number): Buffer | undefined;
  /** Sends the first `length` bytes of the buffer `acquire` returned last. */
  commit(length: number): void;
  /**
   * A link that stays valid while an allocation lives on it. A UDP server may hand the
   * core a reused scratch link per datagram; this returns a lasting copy.
   */
  keep(): ClientLink;
}

/** One allocation's relayed transport address: a UDP socket on the server host. */
export interface RelayHandle {
  readonly address: string;
  readonly port: number;
  readonly family: 4 | 6;
  /** Sends buf[off..off+len) to a peer; copies, so the caller may reuse buf. False = dropped. */
  send(buf: Buffer, off: number, len: number, port: number, address: string): boolean;
  close(): void;
}

/** Called for each datagram a relay receives from a peer. */
export type PeerPacketHandler = (buf: Buffer, len: number, address: string, port: number) => void;

export interface RelayFactory {
  /** Binds a relay socket (an even port when asked); null when none is free. */
  open(family: 4 | 6, evenPort: boolean, onPacket: PeerPacketHandler): Promise<RelayHandle | null>;
}
