// A small throughput harness for noisy shared machines. Contenders run alternately: every round is cut into
// slices, and in each slice every contender runs for the same short time budget (A B C A B C ...), so a burst of
// load from a neighbour hits all of them alike. Each slot is timed on two clocks: wall time, and the CPU time
// of this process (all its threads, so GC and JIT threads count), which a preempted process does not accumulate.
// Results are per-round rates; stats.ts turns them into medians, spreads and per-round ratios.
import { performance } from 'node:perf_hooks';
import { summarize, type Summary } from './stats.ts';

/** One thing being measured. */
export interface Contender {
  /** Short name, used in tables and in `--only` filters. */
  readonly name: string;
  /**
   * Performs `ops` operations and returns a checksum of their results. The harness keeps it, so the work cannot
   * be optimised away. The loop lives in the contender, not in the harness, so a batch costs one harness call
   * and the contender decides how each operation is invoked.
   */
  run(ops: number): number;
}

export interface RoundsOptions {
  /** Measured rounds (default 15). */
  readonly rounds?: number;
  /** Time budget per contender per round, in ms (default 200), spread over `slices` slots. */
  readonly roundMs?: number;
  /** Slots per contender per round (default 10): the finer the alternation, the less a load burst skews a ratio. */
  readonly slices?: number;
  /** Warm-up per contender before round 1, in ms (default 300); also calibrates the batch size. */
  readonly warmupMs?: number;
  /**
   * Full interleaved rounds run and discarded after the warm-up (default 1). Warming each contender alone is not
   * enough: the first interleaved round still deoptimizes and recompiles code that the contenders share (their
   * loops, the call sites that see all of them), and it would otherwise be an outlier.
   */
  readonly warmupRounds?: number;
  /** Target duration of one `run(batch)` call, in ms (default 1): long enough that reading the clock is noise. */
  readonly batchMs?: number;
  /** Monotonic wall clock in ms (default `performance.now`); tests inject a fake one. */
  readonly clock?: () => number;
  /** CPU time of this process in ms (default `process.cpuUsage()`, user + system); tests inject a fake one. */
  readonly cpuClock?: () => number;
  /**
   * Called before each round (default: nothing). Do not pass `gc` from `--expose-gc` for microbenchmarks: a
   * forced full GC frees the transition maps of short-lived objects, which deoptimizes the code built on them
   * ("reason: weak objects" in --trace-deopt), and each round then starts in slow code (measured: about 20%
   * slower parse rates). Useful for benchmarks that measure memory, not speed.
   */
  readonly collectGarbage?: () => void;
  /** Progress callback after each round, with the wall-clock rates of that round. */
  readonly onRound?: (round: number, rates: ReadonlyMap<string, number>) => void;
}

export interface ContenderResult {
  readonly name: string;
  /** Operations per wall-clock second, one entry per measured round. */
  readonly opsPerSecond: readonly number[];
  /** Operations per CPU second of this process, one entry per measured round. */
  readonly opsPerCpuSecond: readonly number[];
  readonly summary: Summary;
  readonly cpuSummary: Summary;
  /** Operations per `run` call after calibration. */
  readonly batch: number;
  /** Sum of all checksums (meaningless, but it keeps the work alive). */
  readonly checksum: number;
}

export interface RoundsResult {
  readonly rounds: number;
  readonly roundMs: number;
  readonly slices: number;
  readonly warmupMs: number;
  readonly warmupRounds: number;
  readonly contenders: readonly ContenderResult[];
}

interface Slot {
  readonly contender: Contender;
  batch: number;
  checksum: number;
  readonly rates: number[];
  readonly cpuRates: number[];
}

interface Tally {
  ops: number;
  wallMs: number;
  cpuMs: number;
}

const MAX_BATCH = 1 << 24;

function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Runs the contender for about `budgetMs` of wall time and adds what it did to `tally`. */
function runFor(slot: Slot, budgetMs: number, clock: () => number, cpuClock: () => number, tally: Tally): void {
  let ops = 0;
  const cpuStart = cpuClock();
  const start = clock();
  let elapsed: number;
  do {
    slot.checksum += slot.contender.run(slot.batch);
    ops += slot.batch;
    elapsed = clock() - start;
  } while (elapsed < budgetMs);
  tally.cpuMs += cpuClock() - cpuStart;
  tally.wallMs += elapsed;
  tally.ops += ops;
}

/** Doubles the batch until one call takes at least `batchMs`, then keeps running until `warmupMs` has passed. */
function warmUp(slot: Slot, warmupMs: number, batchMs: number, clock: () => number): void {
  const start = clock();
  for (;;) {
    const t0 = clock();
    slot.checksum += slot.contender.run(slot.batch);
    const took = clock() - t0;
    if (took < batchMs && slot.batch < MAX_BATCH) slot.batch *= 2;
    else if (clock() - start >= warmupMs) return;
  }
}

function positiveInteger(value: number, what: string): number {
  if (!(Number.isInteger(value) && value >= 1)) throw new RangeError(`${what} must be a positive integer: ${value}`);
  return value;
}

/**
 * Measures every contender for `rounds` rounds of `slices` slots each. Slot order rotates with the round and
 * the slice (A B C, B C A, C A B, ...) so no contender always runs first or right after the same neighbour.
 */
export function runRounds(contenders: readonly Contender[], options: RoundsOptions = {}): RoundsResult {
  const rounds = positiveInteger(options.rounds ?? 15, 'rounds');
  const slices = positiveInteger(options.slices ?? 10, 'slices');
  const roundMs = options.roundMs ?? 200;
  const warmupMs = options.warmupMs ?? 300;
  const warmupRounds = options.warmupRounds ?? 1;
  if (!(Number.isInteger(warmupRounds) && warmupRounds >= 0))
    throw new RangeError(`warmupRounds must be a whole number: ${warmupRounds}`);
  const batchMs = options.batchMs ?? 1;
  const clock = options.clock ?? (() => performance.now());
  const cpuClock = options.cpuClock ?? processCpuMs;
  const collect = options.collectGarbage;
  if (contenders.length === 0) throw new RangeError('no contenders');
  if (!(roundMs > 0)) throw new RangeError(`roundMs must be positive: ${roundMs}`);
  if (new Set(contenders.map((c) => c.name)).size !== contenders.length)
    throw new RangeError('contender names must be unique');

  const slots: Slot[] = contenders.map((contender) => ({ contender, batch: 1, checksum: 0, rates: [], cpuRates: [] }));
  for (const slot of slots) warmUp(slot, warmupMs, batchMs, clock);
  const sliceMs = roundMs / slices;
  const runRound = (round: number): Tally[] => {
    const tallies: Tally[] = slots.map(() => ({ ops: 0, wallMs: 0, cpuMs: 0 }));
    for (let slice = 0; slice < slices; slice++) {
      for (let k = 0; k < slots.length; k++) {
        const index = (round + slice + k) % slots.length;
        runFor(slots[index]!, sliceMs, clock, cpuClock, tallies[index]!);
      }
    }
    return tallies;
  };
  for (let round = 0; round < warmupRounds; round++) runRound(round);
  for (let round = 0; round < rounds; round++) {
    collect?.();
    const tallies = runRound(round);
    const rates = new Map<string, number>();
    slots.forEach((slot, i) => {
      const { ops, wallMs, cpuMs } = tallies[i]!;
      const rate = (ops * 1000) / wallMs;
      slot.rates.push(rate);
      // A CPU clock that did not advance (coarse or fake) gives no CPU rate; fall back to the wall rate.
      slot.cpuRates.push(cpuMs > 0 ? (ops * 1000) / cpuMs : rate);
      rates.set(slot.contender.name, rate);
    });
    options.onRound?.(round, rates);
  }
  return {
    rounds,
    roundMs,
    slices,
    warmupMs,
    warmupRounds,
    contenders: slots.map((slot) => ({
      name: slot.contender.name,
      opsPerSecond: slot.rates,
      opsPerCpuSecond: slot.cpuRates,
      summary: summarize(slot.rates),
      cpuSummary: summarize(slot.cpuRates),
      batch: slot.batch,
      checksum: slot.checksum,
    })),
  };
}

/** Round r runs the items rotated by r (A B C D, B C D A, ...): no item always goes first or last. */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
