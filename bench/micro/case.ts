// One micro-benchmark: the function under test and the obvious baseline it should beat,
// both measured in the same run.
export interface MicroCase {
  name: string;
  fn: () => void;
  /** What a straightforward implementation would do (e.g. createCipheriv per packet). */
  baseline?: { name: string; fn: () => void };
}
