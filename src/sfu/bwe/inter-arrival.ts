// Packet groups (GCC §5.2, libwebrtc InterArrivalDelta): packets sent within `burstTimeMs`
// of a group's first packet form one group; a packet that arrives in a burst (less than
// 5 ms after the previous one, having "caught up" on the send spacing) joins the current
// group too. When a group completes, the deltas between it and the previous group go to
// the trendline: send delta (last send times), arrival delta (last arrival times) in ms.
//
// Times are µs in; the two clocks (local send, remote arrival) are never compared.

const BURST_ARRIVAL_US = 5000;
const MAX_BURST_US = 100_000;
/** The remote clock jumped: arrival spacing this much beyond local spacing resets. */
const OFFSET_RESET_US = 3_000_000;
const REORDER_RESET = 3;

export class InterArrival {
  private readonly groupUs: number = 0;
  // Current group.
  private curFirstSend = -1;
  private curSend = 0;
  private curFirstArrival = 0;
  private curArrival = 0;
  private curLocal = 0;
  private curSize = 0;
  // Previous complete group.
  private havePrev = false;
  private prevSend = 0;
  private prevArrival = 0;
  private prevLocal = 0;
  private prevSize = 0;
  private reordered = 0;

  /** Outputs of the last add() that returned true. */
  sendDeltaMs = 0;
  arrivalDeltaMs = 0;
  sizeDelta = 0;
  /** Arrival time (ms, remote clock) of the packet that completed the group. */
  arrivalTimeMs = 0;

  constructor(burstTimeMs: number) { this.groupUs = burstTimeMs * 1000; }

  reset(): void { this.curFirstSend = -1; this.havePrev = false; this.reordered = 0; }

  /** Our clock (µs) when the current feedback was handled; set before addResult(). */
  localUs = 0;

  /**
   * Add one received packet (in feedback order). `localUs` is our clock when its feedback
   * was handled. Returns true when a group completed and the deltas are set.
   */
  add(sendUs: number, arrivalUs: number, localUs: number, size: number): boolean {
    this.localUs = localUs;
    return this.step(sendUs, arrivalUs, size);
  }

  /** add() for entry i of feedback results (no double arguments), with `localUs` set. */
  addResult(r: { readonly sendTimeUs: ArrayLike<number>; readonly arrivalUs: ArrayLike<number>; readonly size: ArrayLike<number> }, i: number): boolean {
    return this.step(r.sendTimeUs[i], r.arrivalUs[i], r.size[i]);
  }

  private step(sendUs: number, arrivalUs: number, size: number): boolean {
    const localUs = this.localUs;
    let ready = false;
    this.arrivalTimeMs = arrivalUs / 1000;
    if (this.curFirstSend < 0) {
      this.startGroup(sendUs, arrivalUs);
    } else if (sendUs < this.curFirstSend) {
      return false; // reordered behind the current group
    } else if (this.newGroup(sendUs, arrivalUs)) {
      if (this.havePrev) {
        const sendDelta = this.curSend - this.prevSend;
        const arrivalDelta = this.curArrival - this.prevArrival;
        const localDelta = this.curLocal - this.prevLocal;
        if (arrivalDelta - localDelta >= OFFSET_RESET_US) {
          this.reset();
          this.startGroup(sendUs, arrivalUs);
          this.curLocal = localUs; this.curSize = size;
          return false;
        }
        if (arrivalDelta < 0) {
          if (++this.reordered >= REORDER_RESET) this.reset();
        } else {
          this.reordered = 0;
          this.sendDeltaMs = sendDelta / 1000;
          this.arrivalDeltaMs = arrivalDelta / 1000;
          this.sizeDelta = this.curSize - this.prevSize;
          ready = true;
        }
      }
      this.havePrev = true;
      this.prevSend = this.curSend; this.prevArrival = this.curArrival;
      this.prevLocal = this.curLocal; this.prevSize = this.curSize;
      this.startGroup(sendUs, arrivalUs);
    }
    if (sendUs > this.curSend) this.curSend = sendUs;
    this.curArrival = arrivalUs;
    this.curLocal = localUs;
    this.curSize += size;
    return ready;
  }

  private startGroup(sendUs: number, arrivalUs: number): void {
    this.curFirstSend = sendUs; this.curSend = sendUs;
    this.curFirstArrival = arrivalUs; this.curArrival = arrivalUs; this.curSize = 0;
  }

  private newGroup(sendUs: number, arrivalUs: number): boolean {
    if (this.inBurst(sendUs, arrivalUs)) return false;
    return sendUs - this.curFirstSend > this.groupUs;
  }

  private inBurst(sendUs: number, arrivalUs: number): boolean {
    const arrivalDelta = arrivalUs - this.curArrival;
    const sendDelta = sendUs - this.curSend;
    if (sendDelta === 0) return true;
    const propagation = arrivalDelta - sendDelta;
    return propagation < 0 && arrivalDelta <= BURST_ARRIVAL_US && arrivalUs - this.curFirstArrival < MAX_BURST_US;
  }
}
