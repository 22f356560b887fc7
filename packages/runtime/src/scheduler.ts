// One timer for many deadlines. The apps schedule thousands of things (delayed search responses, announcement
// repeats, registry expiry); a binary min-heap keyed by due time with a single pending clock timer keeps that
// O(log n) per item and avoids one setTimeout per message.
import type { Clock, TimerHandle } from './clock.ts';

export interface ScheduledTask {
  /** Absolute due time on the scheduler's clock (ms). */
  readonly dueAt: number;
  /** False once the task ran or was cancelled. */
  readonly pending: boolean;
}

export interface Scheduler {
  /** Runs `run` after `delayMs` (clamped to >= 0). Tasks due at the same time run in scheduling order. */
  schedule(delayMs: number, run: () => void): ScheduledTask;
  /** Runs `run` at the absolute clock time `dueAt`. */
  scheduleAt(dueAt: number, run: () => void): ScheduledTask;
  /**
   * Moves a task of this scheduler to the absolute time `dueAt`, pending or not: a task that already ran or was
   * cancelled is queued again with the same callback (so an owner keeps one task for life, also from inside its
   * own run). Among tasks due at the same time it runs after those scheduled before this call.
   */
  reschedule(task: ScheduledTask, dueAt: number): void;
  /** Cancels a task; a no-op when it already ran or was cancelled. */
  cancel(task: ScheduledTask): void;
  /** Tasks still pending. */
  readonly size: number;
  /** Cancels everything. */
  clear(): void;
}

export interface SchedulerComponents {
  readonly clock: Clock;
  /** Called when a task throws; the scheduler keeps going either way. */
  readonly onTaskError?: (error: unknown) => void;
}

// A class with fields and a prototype getter, not an object literal: a literal's getter is a closure per task
// (see docs/benchmarks.md for the cost of each). `index` is the heap position, -1 when not queued.
class Entry implements ScheduledTask {
  constructor(
    public dueAt: number,
    public seq: number,
    public readonly run: () => void,
    public index: number,
  ) {}

  get pending(): boolean {
    return this.index >= 0;
  }
}

export function createScheduler({ clock, onTaskError }: SchedulerComponents): Scheduler {
  const heap: Entry[] = [];
  let seq = 0;
  let timer: TimerHandle | undefined;
  let timerDueAt = Number.POSITIVE_INFINITY;

  const before = (a: Entry, b: Entry) => a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq);

  function swap(i: number, j: number) {
    const a = heap[i]!;
    const b = heap[j]!;
    heap[i] = b;
    heap[j] = a;
    b.index = i;
    a.index = j;
  }

  function up(i: number) {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) return;
      swap(i, parent);
      i = parent;
    }
  }

  function down(i: number) {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) return;
      swap(i, smallest);
      i = smallest;
    }
  }

  function removeAt(i: number): Entry {
    const entry = heap[i]!;
    const last = heap.pop()!;
    if (last !== entry) {
      heap[i] = last;
      last.index = i;
      down(i);
      up(last.index);
    }
    entry.index = -1;
    return entry;
  }

  function arm() {
    const head = heap[0];
    if (head === undefined) {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      timerDueAt = Number.POSITIVE_INFINITY;
      return;
    }
    if (timer !== undefined && timerDueAt <= head.dueAt) return;
    if (timer !== undefined) clock.clearTimeout(timer);
    timerDueAt = head.dueAt;
    timer = clock.setTimeout(fire, Math.max(0, head.dueAt - clock.now()));
  }

  function fire() {
    timer = undefined;
    timerDueAt = Number.POSITIVE_INFINITY;
    const now = clock.now();
    // Run what is due now; tasks scheduled while running with a zero delay wait for the next turn.
    while (heap.length > 0 && heap[0]!.dueAt <= now) {
      const entry = removeAt(0);
      try {
        entry.run();
      } catch (error) {
        onTaskError?.(error);
      }
    }
    arm();
  }

  const finiteOrNow = (dueAt: number) => (Number.isFinite(dueAt) ? dueAt : clock.now());

  function insert(entry: Entry) {
    entry.index = heap.length;
    heap.push(entry);
    up(entry.index);
  }

  function scheduleAt(dueAt: number, run: () => void): ScheduledTask {
    const entry = new Entry(finiteOrNow(dueAt), seq++, run, -1);
    insert(entry);
    arm();
    return entry;
  }

  function reschedule(task: ScheduledTask, dueAt: number) {
    const entry = task as Entry;
    entry.dueAt = finiteOrNow(dueAt);
    entry.seq = seq++;
    if (entry.index >= 0 && heap[entry.index] === entry) {
      down(entry.index);
      up(entry.index);
    } else {
      insert(entry);
    }
    arm();
  }

  return {
    schedule: (delayMs, run) => scheduleAt(clock.now() + Math.max(0, Number.isFinite(delayMs) ? delayMs : 0), run),
    scheduleAt,
    reschedule,
    cancel(task) {
      const entry = task as Entry;
      if (entry.index < 0 || heap[entry.index] !== entry) return;
      removeAt(entry.index);
      arm();
    },
    get size() {
      return heap.length;
    },
    clear() {
      for (const entry of heap) entry.index = -1;
      heap.length = 0;
      arm();
    },
  };
}
