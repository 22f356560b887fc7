import { describe, expect, it } from 'vitest';
import { median, pairedRatios, quantile, ratioSummary, summarize } from '../src/stats.ts';

describe('median', () => {
  it('takes the middle value of an odd count, in any input order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([9, 7, 1, 3, 5])).toBe(5);
  });

  it('averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('rejects an empty or non-finite sample', () => {
    expect(() => median([])).toThrow(RangeError);
    expect(() => median([1, Number.NaN])).toThrow(RangeError);
    expect(() => median([1, Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });
});

describe('quantile and summarize (spread)', () => {
  it('interpolates linearly between order statistics', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([10, 20], 1)).toBe(20);
    expect(quantile([10, 20], 0)).toBe(10);
  });

  it('rejects a quantile outside 0..1', () => {
    expect(() => quantile([1], 1.5)).toThrow(RangeError);
  });

  it('gives min, max, quartiles and median', () => {
    expect(summarize([8, 2, 6, 4, 10])).toEqual({ n: 5, median: 6, min: 2, max: 10, q1: 4, q3: 8 });
  });
});

describe('per-round ratios', () => {
  it('divides round by round, not median by median', () => {
    // Round 2 is slow for both sides; per-round ratios stay at 2 while the medians alone would say 1.5.
    const a = [200, 20, 180];
    const b = [100, 10, 90];
    expect(pairedRatios(a, b)).toEqual([2, 2, 2]);
    expect(ratioSummary(a, b).median).toBe(2);
    expect(ratioSummary(a, b).max - ratioSummary(a, b).min).toBe(0);
  });

  it('takes the median of the ratios with their spread', () => {
    const summary = ratioSummary([10, 30, 12], [5, 10, 2]);
    expect(summary).toMatchObject({ median: 3, min: 2, max: 6 });
  });

  it('refuses rounds that do not pair up or a zero denominator', () => {
    expect(() => pairedRatios([1, 2], [1])).toThrow(RangeError);
    expect(() => pairedRatios([1], [0])).toThrow(RangeError);
  });
});
