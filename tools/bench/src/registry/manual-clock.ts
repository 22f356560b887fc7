// A clock that moves only when told: the registry's settle and expiry deadlines run exactly when the benchmark
// advances time, so a "tick" is a measurable piece of work and 30 minutes of max-age pass in no time.
import type { Clock, TimerHandle } from '@ssdp/runtime';

export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, running every timer that falls due on the way, in order. */
  advance(ms: number): void;
  /** Timers not yet run. */
  readonly pending: number;
}

interface Timer {
  readonly id: number;
  readonly dueAt: number;
  readonly callback: () => void;
}

export function createManualClock(start: number): ManualClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, Timer>();

  function nextDue(limit: number): Timer | undefined {
    let best: Timer | undefined;
    for (const timer of timers.values()) {
      if (
        timer.dueAt <= limit &&
        (best === undefined || timer.dueAt < best.dueAt || (timer.dueAt === best.dueAt && timer.id < best.id))
      )
        best = timer;
    }
    return best;
  }

  return {
    now: () => now,
    setTimeout(callback, ms): TimerHandle {
      const id = nextId++;
      timers.set(id, { id, dueAt: now + Math.max(0, ms), callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const target = now + ms;
      for (;;) {
        const timer = nextDue(target);
        if (timer === undefined) break;
        timers.delete(timer.id);
        now = Math.max(now, timer.dueAt);
        timer.callback();
      }
      now = target;
    },
    get pending() {
      return timers.size;
    },
  };
}
