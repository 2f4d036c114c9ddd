// Where a transport's packets leave for one selected candidate pair: the worker's UDP
// send queue, or one ICE-TCP connection. Same shape as SendQueue, so either can be used
// without a branch on the packet path.
export interface SendPath {
  /** Bytes a slot holds (the largest packet). */
  readonly slotSize: number;
  /** A buffer to write one packet into at offset 0, or undefined (dropped, counted). */
  acquire(): Buffer | undefined;
  /** Queues the slot last acquired, `length` bytes, for address:port (ignored by TCP). */
  commit(length: number, port: number, address: string): void;
  /** Copies src[offset..offset+length) into a slot and queues it; false if dropped. */
  enqueue(src: Buffer, offset: number, length: number, port: number, address: string): boolean;
}
