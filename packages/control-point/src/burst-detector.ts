// Tells the work loop whether a burst is on: from a turn that follows a full read batch (the socket may hold more)
// until a turn that follows no read at all (the socket is empty), and for at most `maxMs`. After a burst that ran
// its full length none starts again until the queue has been emptied (receive-loop.ts says why).

export interface BurstDetector {
  /** A datagram was read. */
  read(): void;
  /** At the start of a turn: is a burst on now? */
  onTurn(now: number): boolean;
  /** The queue is empty: a burst may start again. */
  emptied(): void;
  reset(): void;
}

export function createBurstDetector(burstReads: number, maxMs: number): BurstDetector {
  let reads = 0;
  let burst = false;
  let since = 0;
  let workingOff = false;
  return {
    read() {
      reads += 1;
    },
    onTurn(now) {
      if (reads >= burstReads && !burst && !workingOff) {
        burst = true;
        since = now;
      } else if (reads === 0) burst = false;
      if (burst && now - since >= maxMs) {
        burst = false;
        workingOff = true;
      }
      reads = 0;
      return burst;
    },
    emptied() {
      workingOff = false;
    },
    reset() {
      reads = 0;
      burst = false;
      workingOff = false;
    },
  };
}
