// A clock that moves only when told: tests, scripts and benchmarks advance time by hand, and every timer that
// falls due on the way runs in due order (ties in the order they were set), at its own due time.
import type { Clock, TimerHandle } from '../clock.ts';

export interface ManualClock extends Clock {
  /**
   * Moves time forward by `ms`, running every timer that falls due on the way, in order, with `now()` at each
   * timer's due time. Timers set by a callback run in the same call when they fall due before its end.
   */
  advance(ms: number): void;
  /**
   * Like `advance`, but lets pending I/O callbacks and promise jobs run (one `setImmediate` turn) before each timer
   * and at the end, for code that continues asynchronously between timers.
   */
  advanceAsync(ms: number): Promise<void>;
  /** Timers set and not yet run or cleared. */
  readonly pending: number;
}

interface Timer {
  readonly id: number;
  readonly dueAt: number;
  readonly callback: () => void;
}

/** A manual clock whose `now()` starts at `start` (default 0). */
export function createManualClock(start = 0): ManualClock {
  let now = start;
  let nextId = 1;
  // Timers in the order they were set; code on a scheduler keeps one at a time here, so a scan is enough.
  const live = new Map<number, Timer>();

  /** The earliest live timer due at or before `limit` (ties: the one set first). */
  function nextDue(limit: number): Timer | undefined {
    let next: Timer | undefined;
    for (const timer of live.values())
      if (timer.dueAt <= limit && (next === undefined || timer.dueAt < next.dueAt)) next = timer;
    return next;
  }

  function runTimer(timer: Timer): void {
    live.delete(timer.id);
    now = Math.max(now, timer.dueAt);
    timer.callback();
  }

  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

  return {
    now: () => now,
    setTimeout(callback, ms): TimerHandle {
      const timer = { id: nextId++, dueAt: now + Math.max(0, ms), callback };
      live.set(timer.id, timer);
      return timer.id;
    },
    clearTimeout(handle) {
      if (typeof handle === 'number') live.delete(handle);
    },
    advance(ms) {
      const target = now + ms;
      for (let timer = nextDue(target); timer !== undefined; timer = nextDue(target)) runTimer(timer);
      now = Math.max(now, target);
    },
    async advanceAsync(ms) {
      const target = now + ms;
      for (;;) {
        await turn();
        const timer = nextDue(target);
        if (timer === undefined) break;
        runTimer(timer);
      }
      now = Math.max(now, target);
      await turn();
    },
    get pending() {
      return live.size;
    },
  };
}
