import { afterEach, describe, expect, it, vi } from 'vitest';
import { createScheduler } from '../src/scheduler.ts';
import { createSystemClock, type Clock } from '../src/clock.ts';

function countingClock(): Clock & { armed: number } {
  const base = createSystemClock();
  const clock = {
    armed: 0,
    now: () => base.now(),
    setTimeout: (callback: () => void, ms: number) => {
      clock.armed += 1;
      return base.setTimeout(callback, ms);
    },
    clearTimeout: (handle: unknown) => base.clearTimeout(handle),
  };
  return clock;
}

describe('createScheduler', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs tasks in due order, ties in scheduling order', () => {
    vi.useFakeTimers();
    const scheduler = createScheduler({ clock: createSystemClock() });
    const ran: string[] = [];
    scheduler.schedule(30, () => ran.push('c'));
    scheduler.schedule(10, () => ran.push('a'));
    scheduler.schedule(20, () => ran.push('b1'));
    scheduler.schedule(20, () => ran.push('b2'));
    vi.advanceTimersByTime(15);
    expect(ran).toEqual(['a']);
    vi.advanceTimersByTime(100);
    expect(ran).toEqual(['a', 'b1', 'b2', 'c']);
    expect(scheduler.size).toBe(0);
  });

  it('keeps one clock timer pending however many tasks wait', () => {
    vi.useFakeTimers();
    const clock = countingClock();
    const scheduler = createScheduler({ clock });
    for (let i = 0; i < 1000; i += 1) scheduler.schedule(1000 + i, () => undefined);
    expect(clock.armed).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
    scheduler.schedule(5, () => undefined);
    expect(vi.getTimerCount()).toBe(1);
  });

  it('cancels a task, and cancelling twice or after it ran is a no-op', () => {
    vi.useFakeTimers();
    const scheduler = createScheduler({ clock: createSystemClock() });
    const ran: number[] = [];
    const tasks = [1, 2, 3, 4, 5].map((n) => scheduler.schedule(n * 10, () => ran.push(n)));
    scheduler.cancel(tasks[2]!);
    scheduler.cancel(tasks[2]!);
    expect(tasks[2]!.pending).toBe(false);
    vi.advanceTimersByTime(25);
    scheduler.cancel(tasks[0]!);
    vi.advanceTimersByTime(100);
    expect(ran).toEqual([1, 2, 4, 5]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps tasks small: pending is a prototype getter, not a per-task closure', () => {
    vi.useFakeTimers();
    const scheduler = createScheduler({ clock: createSystemClock() });
    const a = scheduler.schedule(10, () => undefined);
    const b = scheduler.schedule(20, () => undefined);
    // A getter defined in an object literal is a new function per task (and costs ~600 bytes a task).
    expect(Object.getOwnPropertyDescriptor(a, 'pending')).toBeUndefined();
    expect(Object.getPrototypeOf(a)).toBe(Object.getPrototypeOf(b));
    expect([a.pending, b.pending]).toEqual([true, true]);
    vi.advanceTimersByTime(15);
    expect([a.pending, b.pending]).toEqual([false, true]);
    scheduler.clear();
    expect(b.pending).toBe(false);
  });

  it('keeps running after a task throws and reports the error', () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    const scheduler = createScheduler({ clock: createSystemClock(), onTaskError: (e) => errors.push(e) });
    const ran: string[] = [];
    scheduler.schedule(1, () => {
      throw new Error('boom');
    });
    scheduler.schedule(2, () => ran.push('after'));
    vi.advanceTimersByTime(5);
    expect(ran).toEqual(['after']);
    expect(errors).toHaveLength(1);
  });

  it('matches a reference model for random schedule/cancel sequences', () => {
    vi.useFakeTimers();
    const scheduler = createScheduler({ clock: createSystemClock() });
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const expected: { due: number; id: number }[] = [];
    const ran: number[] = [];
    const tasks = new Map<number, ReturnType<typeof scheduler.schedule>>();
    for (let id = 0; id < 500; id += 1) {
      const delay = Math.floor(rand() * 200);
      tasks.set(
        id,
        scheduler.schedule(delay, () => ran.push(id)),
      );
      expected.push({ due: delay, id });
    }
    for (let id = 0; id < 500; id += 7) scheduler.cancel(tasks.get(id)!);
    const want = expected
      .filter(({ id }) => id % 7 !== 0)
      .sort((a, b) => a.due - b.due || a.id - b.id)
      .map(({ id }) => id);
    vi.advanceTimersByTime(300);
    expect(ran).toEqual(want);
  });

  it('reschedule moves a pending task later or earlier on the same single timer', () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = createScheduler({ clock: createSystemClock() });
    const ran: string[] = [];
    const a = scheduler.schedule(10, () => ran.push('a'));
    const b = scheduler.schedule(20, () => ran.push('b'));
    const c = scheduler.schedule(30, () => ran.push('c'));
    scheduler.reschedule(a, 40);
    scheduler.reschedule(c, 5);
    expect([a.dueAt, c.dueAt]).toEqual([40, 5]);
    expect(scheduler.size).toBe(3);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(25);
    expect(ran).toEqual(['c', 'b']);
    expect([a.pending, b.pending, c.pending]).toEqual([true, false, false]);
    vi.advanceTimersByTime(20);
    expect(ran).toEqual(['c', 'b', 'a']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reschedule queues a task again after it ran (also from its own run) or was cancelled', () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = createScheduler({ clock: createSystemClock() });
    const ran: number[] = [];
    let runs = 0;
    const repeating = scheduler.schedule(10, () => {
      runs += 1;
      ran.push(Date.now());
      if (runs < 3) scheduler.reschedule(repeating, Date.now() + 10);
    });
    const cancelled = scheduler.schedule(15, () => ran.push(-1));
    scheduler.cancel(cancelled);
    expect(cancelled.pending).toBe(false);
    scheduler.reschedule(cancelled, 100);
    expect(cancelled.pending).toBe(true);
    vi.advanceTimersByTime(200);
    expect(ran).toEqual([10, 20, 30, -1]);
    expect(scheduler.size).toBe(0);
  });

  it('a rescheduled task runs after tasks already due at the same time', () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = createScheduler({ clock: createSystemClock() });
    const ran: string[] = [];
    const first = scheduler.schedule(10, () => ran.push('first'));
    scheduler.schedule(10, () => ran.push('second'));
    scheduler.reschedule(first, 10);
    vi.advanceTimersByTime(10);
    expect(ran).toEqual(['second', 'first']);
  });

  it('matches a reference model for random schedule/reschedule/cancel sequences', () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = createScheduler({ clock: createSystemClock() });
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    // The model: each id's last due time and the step at which it was last (re)scheduled; cancelled ids are gone.
    const model = new Map<number, { due: number; step: number }>();
    const tasks: ReturnType<typeof scheduler.schedule>[] = [];
    const ran: number[] = [];
    for (let step = 0; step < 2000; step += 1) {
      const roll = rand();
      const due = Math.floor(rand() * 500);
      if (roll < 0.4 || tasks.length === 0) {
        const id = tasks.length;
        tasks.push(scheduler.scheduleAt(due, () => ran.push(id)));
        model.set(id, { due, step });
      } else {
        const id = Math.floor(rand() * tasks.length);
        if (roll < 0.85) {
          scheduler.reschedule(tasks[id]!, due);
          model.set(id, { due, step });
        } else {
          scheduler.cancel(tasks[id]!);
          model.delete(id);
        }
      }
    }
    expect(scheduler.size).toBe(model.size);
    const want = [...model.entries()].sort(([, a], [, b]) => a.due - b.due || a.step - b.step).map(([id]) => id);
    vi.advanceTimersByTime(600);
    expect(ran).toEqual(want);
  });

  it('clear() drops everything and disarms the timer', () => {
    vi.useFakeTimers();
    const scheduler = createScheduler({ clock: createSystemClock() });
    const ran: number[] = [];
    scheduler.schedule(10, () => ran.push(1));
    scheduler.clear();
    vi.advanceTimersByTime(50);
    expect(ran).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
