// Order statistics for benchmark rounds. Shared machines are noisy, so every number we quote is a median with
// its spread, and comparisons are ratios taken inside one round (A_i / B_i) before the median is taken: a slow
// round then slows both sides and cancels out instead of widening the result.

/** Median, quartiles and extremes of a sample. */
export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** First quartile (linear interpolation between order statistics). */
  readonly q1: number;
  /** Third quartile. */
  readonly q3: number;
}

function sortedCopy(values: readonly number[]): number[] {
  if (values.length === 0) throw new RangeError('no values');
  for (const value of values) {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  }
  return [...values].sort((a, b) => a - b);
}

function quantileOfSorted(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below]!;
  return low + (sorted[above]! - low) * (position - below);
}

/** The q-quantile (0..1) with linear interpolation (the "type 7" definition of R and NumPy). */
export function quantile(values: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile out of range: ${q}`);
  return quantileOfSorted(sortedCopy(values), q);
}

/** The median: the middle value, or the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = sortedCopy(values);
  return {
    n: sorted.length,
    median: quantileOfSorted(sorted, 0.5),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    q1: quantileOfSorted(sorted, 0.25),
    q3: quantileOfSorted(sorted, 0.75),
  };
}

/** Per-round ratios numerator_i / denominator_i (the rounds must pair up). */
export function pairedRatios(numerator: readonly number[], denominator: readonly number[]): number[] {
  if (numerator.length !== denominator.length) {
    throw new RangeError(`rounds do not pair up: ${numerator.length} vs ${denominator.length}`);
  }
  return numerator.map((value, i) => {
    const divisor = denominator[i]!;
    if (!(divisor > 0)) throw new RangeError(`round ${i}: denominator ${divisor} is not positive`);
    return value / divisor;
  });
}

/** Summary of the per-round ratios numerator_i / denominator_i. */
export function ratioSummary(numerator: readonly number[], denominator: readonly number[]): Summary {
  return summarize(pairedRatios(numerator, denominator));
}
