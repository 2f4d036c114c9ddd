// What the handshake flows (server-flow.ts, client-flow.ts) need from the endpoint.
import type { DtlsError } from './errors.js';
import type { OutMessage } from './flight.js';
import type { HandshakeState } from './handshake-state.js';
import type { ResolvedOptions } from './options.js';
import type { Reassembler } from './reassembler.js';
import type { RecordLayer } from './record-layer.js';

export interface FlowHost {
  readonly opts: ResolvedOptions;
  readonly records: RecordLayer;
  readonly reassembler: Reassembler;
  readonly hs: HandshakeState;
  /** Record sequence number of the record that carried the last handshake fragment. */
  readonly lastRecordSeq: number;
  /** Send a flight and keep it for retransmission; `awaitReply` arms the retransmit timer. */
  sendFlight(messages: OutMessage[], nowMs: number, awaitReply: boolean): void;
  /** Send messages once without keeping them (the stateless HelloVerifyRequest). */
  sendOnce(messages: OutMessage[]): void;
  /** Our flight was answered: stop its retransmit timer. */
  stopTimer(): void;
  /** Check and remember the peer certificate; returns an error to fail with, or null. */
  acceptPeerCertificate(der: Buffer): DtlsError | null;
  /** Send a fatal alert (err.alert) and close with the error. */
  fail(err: DtlsError): void;
  /** Send a warning alert. */
  warn(description: number): void;
  /** The handshake finished; the endpoint reports connected once the fingerprint is checked. */
  complete(): void;
}

/** A handshake role's state machine: handles reassembled messages in order. */
export interface Flow {
  readonly done: boolean;
  start(nowMs: number): void;
  handle(msgType: number, messageSeq: number, epoch: number, body: Buffer, nowMs: number): void;
}
