/** Errors at the net layer's API edge (the packet path counts and drops instead). */
export class NetError extends Error {
  constructor(
    readonly code: 'ERR_NET_BIND' | 'ERR_NET_CLOSED',
    message: string,
  ) {
    super(message);
    this.name = 'NetError';
  }
}
