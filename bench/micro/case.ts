// One micro-benchmark: the function under test and the obvious baseline it should beat,
// both measured in the same run.
export interface MicroCase {
  name: string;
  fn: () => void;
  /** fn returns a promise that is awaited (e.g. until dgram's send callbacks ran); allocation is not measured. */
  async?: boolean;
  /** What a straightforward implementation would do (e.g. createCipheriv per packet). */
  baseline?: { name: string; fn: () => void; async?: boolean };
}
