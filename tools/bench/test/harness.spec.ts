import { describe, expect, it } from 'vitest';
import { runRounds, type Contender } from '../src/harness.ts';

/** A fake world: each contender advances the wall clock by `cost` ms per op; CPU time advances by `cpuShare` of it. */
function world(costs: Record<string, number>, cpuShare = 1) {
  let now = 0;
  let cpu = 0;
  const calls: string[] = [];
  const contenders: Contender[] = Object.entries(costs).map(([name, cost]) => ({
    name,
    run(ops: number): number {
      calls.push(name);
      now += ops * cost;
      cpu += ops * cost * cpuShare;
      return ops;
    },
  }));
  return { contenders, calls, clock: () => now, cpuClock: () => cpu };
}

describe('runRounds', () => {
  it('reports each contender at its true rate, on both clocks', () => {
    const w = world({ fast: 0.001, slow: 0.004 }, 0.5);
    const result = runRounds(w.contenders, {
      rounds: 5,
      roundMs: 40,
      slices: 4,
      warmupMs: 5,
      clock: w.clock,
      cpuClock: w.cpuClock,
    });
    const [fast, slow] = result.contenders;
    expect(fast!.opsPerSecond).toHaveLength(5);
    for (const rate of fast!.opsPerSecond) expect(rate).toBeCloseTo(1_000_000, 3);
    for (const rate of slow!.opsPerSecond) expect(rate).toBeCloseTo(250_000, 3);
    // Half the wall time was CPU time: twice the rate per CPU second.
    expect(fast!.cpuSummary.median).toBeCloseTo(2_000_000, 3);
    expect(slow!.summary.median).toBeCloseTo(250_000, 3);
    expect(fast!.checksum).toBeGreaterThan(0);
  });

  it('calibrates the batch so one call lasts at least batchMs', () => {
    const w = world({ a: 0.01 });
    const result = runRounds(w.contenders, {
      rounds: 1,
      roundMs: 10,
      warmupMs: 20,
      batchMs: 2,
      clock: w.clock,
      cpuClock: w.cpuClock,
    });
    expect(result.contenders[0]!.batch * 0.01).toBeGreaterThanOrEqual(2);
    expect(result.contenders[0]!.batch * 0.01).toBeLessThan(4);
  });

  it('alternates contenders in every slice and rotates who goes first', () => {
    const w = world({ a: 1, b: 1, c: 1 });
    // batchMs 1 and 1 ms per op: one call per slot, so the call log is the slot order.
    runRounds(w.contenders, {
      rounds: 2,
      roundMs: 2,
      slices: 2,
      warmupMs: 1,
      batchMs: 1,
      warmupRounds: 0,
      clock: w.clock,
      cpuClock: w.cpuClock,
    });
    const measured = w.calls.slice(3); // after one warm-up call each
    expect(measured.join('')).toBe(['abc', 'bca', 'bca', 'cab'].join(''));
  });

  it('runs and discards interleaved warm-up rounds before the measured ones', () => {
    const w = world({ a: 1, b: 1 });
    const result = runRounds(w.contenders, {
      rounds: 2,
      roundMs: 3,
      slices: 3,
      warmupMs: 1,
      batchMs: 1,
      warmupRounds: 2,
      clock: w.clock,
      cpuClock: w.cpuClock,
    });
    // 2 warm-up calls, then (2 warm-up + 2 measured rounds) × 3 slices × 2 contenders.
    expect(w.calls).toHaveLength(2 + 4 * 3 * 2);
    expect(result.warmupRounds).toBe(2);
    expect(result.contenders[0]!.opsPerSecond).toHaveLength(2);
    expect(() => runRounds(w.contenders, { warmupRounds: -1, clock: w.clock })).toThrow(RangeError);
  });

  it('runs the collector before each round when one is given', () => {
    const w = world({ a: 1 });
    let collections = 0;
    runRounds(w.contenders, {
      rounds: 3,
      roundMs: 1,
      warmupMs: 1,
      clock: w.clock,
      cpuClock: w.cpuClock,
      collectGarbage: () => collections++,
    });
    expect(collections).toBe(3);
  });

  it('falls back to the wall rate when the CPU clock does not move', () => {
    const w = world({ a: 0.5 });
    const result = runRounds(w.contenders, { rounds: 2, roundMs: 10, warmupMs: 1, clock: w.clock, cpuClock: () => 0 });
    expect(result.contenders[0]!.opsPerCpuSecond).toEqual(result.contenders[0]!.opsPerSecond);
  });

  it('reports progress once per round with that round’s rates', () => {
    const w = world({ a: 0.5, b: 0.25 });
    const seen: number[] = [];
    runRounds(w.contenders, {
      rounds: 3,
      roundMs: 5,
      warmupMs: 1,
      clock: w.clock,
      cpuClock: w.cpuClock,
      onRound: (round, rates) => {
        seen.push(round);
        expect(rates.get('b')! / rates.get('a')!).toBeCloseTo(2, 6);
      },
    });
    expect(seen).toEqual([0, 1, 2]);
  });

  it('rejects bad input', () => {
    const w = world({ a: 1 });
    expect(() => runRounds([], { clock: w.clock })).toThrow(RangeError);
    expect(() => runRounds([...w.contenders, ...w.contenders], { clock: w.clock })).toThrow(/unique/);
    expect(() => runRounds(w.contenders, { rounds: 0, clock: w.clock })).toThrow(RangeError);
    expect(() => runRounds(w.contenders, { slices: 1.5, clock: w.clock })).toThrow(RangeError);
    expect(() => runRounds(w.contenders, { roundMs: 0, clock: w.clock })).toThrow(RangeError);
  });
});
