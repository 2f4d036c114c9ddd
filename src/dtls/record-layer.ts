// Per-epoch record state for both directions: write sequence numbers, AEAD ciphers,
// replay windows. Epoch 0 is plaintext; epoch 1 starts at ChangeCipherSpec.
import { DTLS_1_2, RECORD_HEADER_LEN } from './constants.js';
import { keyBlock } from './prf.js';
import { RecordCipher } from './record-cipher.js';
import { writeRecordHeader, type RecordView } from './record.js';
import { ReplayWindow } from './replay-window.js';
import type { SuiteInfo } from './suites.js';

const MAX_SEQ = 2 ** 48 - 1;

export class RecordLayer {
  /** Highest epoch we read; records of older epochs (0) are still read in plaintext. */
  readEpoch = 0;
  writeEpoch = 0;
  readonly #writeSeq = [0, 0];
  readonly #replay = [new ReplayWindow(), new ReplayWindow()];
  #readCipher: RecordCipher | null = null;
  #writeCipher: RecordCipher | null = null;
  #pendingRead: RecordCipher | null = null;
  #pendingWrite: RecordCipher | null = null;
  /** Records that failed authentication, were replays or from an unknown epoch. */
  dropped = 0;

  /** Derive keys (RFC 5246 §6.3) and hold them until ChangeCipherSpec switches each direction. */
  installKeys(suite: SuiteInfo, master: Buffer, clientRandom: Buffer, serverRandom: Buffer, isClient: boolean): void {
    const k = suite.keyLen;
    const iv = suite.fixedIvLen;
    const block = keyBlock(suite.prfHash, master, clientRandom, serverRandom, 2 * k + 2 * iv);
    const clientKey = block.subarray(0, k);
    const serverKey = block.subarray(k, 2 * k);
    const clientIv = block.subarray(2 * k, 2 * k + iv);
    const serverIv = block.subarray(2 * k + iv, 2 * k + 2 * iv);
    const client = new RecordCipher(suite, Buffer.from(clientKey), Buffer.from(clientIv));
    const server = new RecordCipher(suite, Buffer.from(serverKey), Buffer.from(serverIv));
    this.#pendingWrite = isClient ? client : server;
    this.#pendingRead = isClient ? server : client;
  }

  get hasPendingRead(): boolean { return this.#pendingRead !== null; }

  /** Peer's ChangeCipherSpec: start reading epoch 1. */
  activateRead(): boolean {
    if (!this.#pendingRead || this.readEpoch !== 0) return false;
    this.#readCipher = this.#pendingRead;
    this.#pendingRead = null;
    this.readEpoch = 1;
    return true;
  }

  /** Our ChangeCipherSpec was written: later records go out in epoch 1. */
  activateWrite(): void {
    if (!this.#pendingWrite) throw new Error('dtls: no keys to activate');
    this.#writeCipher = this.#pendingWrite;
    this.#pendingWrite = null;
    this.writeEpoch = 1;
  }

  /** Cipher for epoch 1 writes, available before activateWrite for flights that switch mid-way. */
  get epoch1WriteCipher(): RecordCipher | null { return this.#writeCipher ?? this.#pendingWrite; }

  /** Bytes one record adds in `epoch` beyond the plaintext. */
  overhead(epoch: number): number {
    return RECORD_HEADER_LEN + (epoch === 0 ? 0 : (this.epoch1WriteCipher?.overhead ?? 0));
  }

  /** Move the next write sequence number up to `seq` (never back: a peer's replay window
   * would drop a repeated number). The HelloVerifyRequest reuses the ClientHello's. */
  raiseWriteSeq(epoch: number, seq: number): void {
    if (seq > this.#writeSeq[epoch]) this.#writeSeq[epoch] = seq;
  }

  /** Protect and frame one record into `out` at `off`; returns bytes written. */
  write(type: number, epoch: number, plain: Buffer, out: Buffer, off: number): number {
    const seq = this.#writeSeq[epoch]++;
    if (seq > MAX_SEQ) throw new Error('dtls: record sequence number exhausted');
    if (epoch === 0) {
      writeRecordHeader(out, off, type, DTLS_1_2, 0, seq, plain.length);
      plain.copy(out, off + RECORD_HEADER_LEN);
      return RECORD_HEADER_LEN + plain.length;
    }
    const c = this.epoch1WriteCipher;
    if (!c) throw new Error('dtls: no epoch 1 keys');
    const n = c.seal(epoch, seq, type, DTLS_1_2, plain, out, off + RECORD_HEADER_LEN);
    writeRecordHeader(out, off, type, DTLS_1_2, epoch, seq, n);
    return RECORD_HEADER_LEN + n;
  }

  /**
   * The plaintext of a received record, or null when it must be dropped (replay, bad tag,
   * epoch we cannot read). Epoch 0 returns a view into `buf`.
   */
  read(rec: RecordView, buf: Buffer): Buffer | null {
    const epoch = rec.epoch;
    if (epoch > this.readEpoch) { this.dropped++; return null; }
    const win = this.#replay[epoch];
    if (!win || !win.check(rec.seq)) { this.dropped++; return null; }
    const payload = buf.subarray(rec.payloadOff, rec.payloadOff + rec.payloadLen);
    if (epoch === 0) { win.mark(rec.seq); return payload; }
    const plain = this.#readCipher!.open(epoch, rec.seq, rec.type, rec.version, payload);
    if (!plain) { this.dropped++; return null; }
    win.mark(rec.seq);
    return plain;
  }
}
