// One remote candidate's connectivity check state inside IceAgent (RFC 8445 §6.1.2.6).
import type { CandidatePair } from './candidate-pair.js';

export const CheckState = { Waiting: 0, InProgress: 1, Succeeded: 2, Failed: 3 } as const;
export type CheckState = (typeof CheckState)[keyof typeof CheckState];

export class CheckEntry {
  state: CheckState = CheckState.Waiting;
  /** Current transaction id. */
  readonly tx = Buffer.alloc(12);
  /** Sends so far in this transaction (1 = the first, no retransmit yet). */
  sends = 0;
  /** Next retransmit time, or after the last send the transaction deadline. */
  nextMs = 0;
  interval = 0;
  useCandidate = false;
  sentControlling = true;
  /** The peer nominated this pair (USE-CANDIDATE) while we were controlled. */
  remoteNominated = false;
  constructor(readonly pair: CandidatePair) {}
}
