import { createScheduler, createSystemClock } from '@ssdp/transport';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDueSlots } from '../src/due-slots.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function setup() {
  const errors: unknown[] = [];
  const scheduler = createScheduler({ clock: createSystemClock(), onTaskError: (error) => errors.push(error) });
  const ran: { item: string; at: number }[] = [];
  const slots = createDueSlots<string>(scheduler, (item) => {
    if (item.startsWith('throw')) throw new Error(item);
    ran.push({ item, at: Date.now() });
  });
  return { scheduler, slots, ran, errors };
}

describe('createDueSlots', () => {
  it('keeps one scheduler task per millisecond, however many items are due in it', async () => {
    const { scheduler, slots, ran } = setup();
    const start = Date.now();
    for (let i = 0; i < 1000; i += 1) slots.add(start + 10 + (i % 4) * 0.25, `a${i}`); // all within (10, 11] ms
    for (let i = 0; i < 500; i += 1) slots.add(start + 500, `b${i}`);
    expect(slots.size).toBe(1500);
    expect(scheduler.size).toBe(3); // 10, 11 and 500 ms
    await vi.advanceTimersByTimeAsync(11);
    expect(ran).toHaveLength(1000);
    expect(ran.every((r) => r.at - start >= 10 && r.at - start <= 11)).toBe(true);
    expect(ran.filter((r) => r.at - start === 10).map((r) => r.item)).toEqual(ran.slice(0, 250).map((r) => r.item)); // exactly due at 10
    expect(slots.size).toBe(500);
    await vi.advanceTimersByTimeAsync(489);
    expect(ran.slice(1000).map((r) => r.item)).toEqual(Array.from({ length: 500 }, (_, i) => `b${i}`)); // in the order added
    expect(ran.at(-1)!.at - start).toBe(500);
    expect(slots.size).toBe(0);
    expect(scheduler.size).toBe(0);
  });

  it('never runs an item early: a fractional due time rounds up', async () => {
    const { slots, ran } = setup();
    const start = Date.now();
    slots.add(start + 2.01, 'x');
    await vi.advanceTimersByTimeAsync(2);
    expect(ran).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(ran).toEqual([{ item: 'x', at: start + 3 }]);
  });

  it('runs the rest of a slot when one item throws, and reports the error', async () => {
    const { slots, ran, errors } = setup();
    const start = Date.now();
    for (const item of ['a', 'throw 1', 'b', 'throw 2', 'c']) slots.add(start + 5, item);
    await vi.advanceTimersByTimeAsync(5);
    expect(ran.map((r) => r.item)).toEqual(['a', 'b', 'c']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['throw 1']);
  });

  it('clear() cancels everything still waiting', async () => {
    const { scheduler, slots, ran } = setup();
    const start = Date.now();
    slots.add(start + 1, 'a');
    slots.add(start + 100, 'b');
    await vi.advanceTimersByTimeAsync(1);
    slots.clear();
    expect(slots.size).toBe(0);
    expect(scheduler.size).toBe(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(ran.map((r) => r.item)).toEqual(['a']);
  });
});
