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

const before = (a: Timer, b: Timer): boolean => a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.id < b.id);

/** A binary min-heap of timers by (dueAt, id); cleared timers stay in it until they reach the top. */
class TimerHeap {
  private readonly items: Timer[] = [];

  push(timer: Timer): void {
    const items = this.items;
    let i = items.push(timer) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(timer, items[parent]!)) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = timer;
  }

  peek(): Timer | undefined {
    return this.items[0];
  }

  pop(): void {
    const items = this.items;
    const last = items.pop();
    if (last === undefined || items.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && before(items[right]!, items[left]!) ? right : left;
      if (!before(items[child]!, last)) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
  }
}

/** A manual clock whose `now()` starts at `start` (default 0). */
export function createManualClock(start = 0): ManualClock {
  let now = start;
  let nextId = 1;
  const live = new Map<number, Timer>();
  const heap = new TimerHeap();

  /** The next live timer due at or before `limit`, dropping cleared ones from the top of the heap. */
  function nextDue(limit: number): Timer | undefined {
    for (let top = heap.peek(); top !== undefined; top = heap.peek()) {
      if (!live.has(top.id)) heap.pop();
      else return top.dueAt <= limit ? top : undefined;
    }
    return undefined;
  }

  function runTimer(timer: Timer): void {
    heap.pop();
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
      heap.push(timer);
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
