// Typed errors at the API edge of src/sfu/allocation (constructor validation only;
// allocate()/update() never throw).
export class AllocationConfigError extends RangeError {
  /** Stable machine-readable code. */
  readonly code = 'ALLOCATION_BAD_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'AllocationConfigError';
  }
}
