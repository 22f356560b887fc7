import { describe, expect, it } from 'vitest';
import { createScheduler } from '../src/scheduler.ts';
import { createManualClock } from '../src/testing/manual-clock.ts';

describe('createManualClock', () => {
  it('starts at the given time (0 by default) and moves only when advanced', () => {
    expect(createManualClock().now()).toBe(0);
    const clock = createManualClock(1000);
    expect(clock.now()).toBe(1000);
    clock.advance(250);
    expect(clock.now()).toBe(1250);
  });

  it('runs due timers in due order, ties in the order they were set, each at its own due time', () => {
    const clock = createManualClock(1000);
    const ran: string[] = [];
    clock.setTimeout(() => ran.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => ran.push(`a1@${clock.now()}`), 10);
    clock.setTimeout(() => ran.push(`a2@${clock.now()}`), 10);
    clock.setTimeout(() => ran.push(`late@${clock.now()}`), 31);
    clock.advance(30);
    expect(ran).toEqual(['a1@1010', 'a2@1010', 'b@1020']);
    expect(clock.now()).toBe(1030);
    expect(clock.pending).toBe(1);
  });

  it('runs timers set by a callback in the same advance when they fall due before its end', () => {
    const clock = createManualClock(1000);
    const ran: string[] = [];
    clock.setTimeout(() => ran.push('b'), 20);
    clock.setTimeout(() => {
      ran.push('a');
      clock.setTimeout(() => ran.push('c'), 5); // due at 1015, inside the same advance
      clock.setTimeout(() => ran.push('d'), 50); // due at 1060, after it
    }, 10);
    clock.advance(15);
    expect(ran).toEqual(['a', 'c']);
    expect(clock.now()).toBe(1015);
    clock.advance(100);
    expect(ran).toEqual(['a', 'c', 'b', 'd']);
    expect(clock.pending).toBe(0);
  });

  it('never runs a cleared timer, and ignores handles it did not hand out', () => {
    const clock = createManualClock();
    const ran: string[] = [];
    const cancelled = clock.setTimeout(() => ran.push('x'), 1);
    clock.setTimeout(() => ran.push('y'), 2);
    clock.clearTimeout(cancelled);
    clock.clearTimeout('not a handle');
    clock.clearTimeout(999);
    expect(clock.pending).toBe(1);
    clock.advance(10);
    expect(ran).toEqual(['y']);
  });

  it('lets a callback clear a later timer due in the same advance', () => {
    const clock = createManualClock();
    const ran: string[] = [];
    const later = clock.setTimeout(() => ran.push('later'), 5);
    clock.setTimeout(() => {
      ran.push('first');
      clock.clearTimeout(later);
    }, 1);
    clock.advance(10);
    expect(ran).toEqual(['first']);
    expect(clock.pending).toBe(0);
  });

  it('treats a negative delay as 0', () => {
    const clock = createManualClock(50);
    let at: number | undefined;
    clock.setTimeout(() => (at = clock.now()), -10);
    clock.advance(0);
    expect(at).toBe(50);
  });

  it('keeps many timers in order', () => {
    const clock = createManualClock();
    const delays = Array.from({ length: 500 }, (_, i) => (i * 7919) % 1000);
    const ran: number[] = [];
    for (const delay of delays) clock.setTimeout(() => ran.push(clock.now()), delay);
    clock.advance(1000);
    expect(ran).toEqual([...delays].sort((a, b) => a - b));
  });

  it('advanceAsync lets promise jobs run between timers', async () => {
    const clock = createManualClock();
    const ran: string[] = [];
    clock.setTimeout(() => {
      ran.push('a');
      // Continues after a promise job, then sets a timer due inside the same advance.
      void Promise.resolve().then(() => clock.setTimeout(() => ran.push(`b@${clock.now()}`), 5));
    }, 10);
    await clock.advanceAsync(20);
    expect(ran).toEqual(['a', 'b@15']);
    expect(clock.now()).toBe(20);

    const sync = createManualClock();
    const syncRan: string[] = [];
    sync.setTimeout(() => {
      syncRan.push('a');
      void Promise.resolve().then(() => sync.setTimeout(() => syncRan.push('b'), 5));
    }, 10);
    sync.advance(20); // the promise job runs only after advance returned: b is not due before 25
    await Promise.resolve();
    expect(syncRan).toEqual(['a']);
    expect(sync.pending).toBe(1);
  });

  it('drives the scheduler: its tasks run at their deadlines', () => {
    const clock = createManualClock(0);
    const scheduler = createScheduler({ clock });
    const ran: string[] = [];
    scheduler.schedule(100, () => ran.push(`x@${clock.now()}`));
    scheduler.schedule(40, () => ran.push(`y@${clock.now()}`));
    expect(clock.pending).toBe(1);
    clock.advance(99);
    expect(ran).toEqual(['y@40']);
    clock.advance(1);
    expect(ran).toEqual(['y@40', 'x@100']);
    expect(scheduler.size).toBe(0);
  });
});
