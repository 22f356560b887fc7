import { describe, expect, it } from 'vitest';
import { AmplificationGuard } from '../src/amplification-guard.ts';

/** Grants up to `wanted` answers as the responder does: the allowance, then spends what it took. */
function grant(guard: AmplificationGuard, now: number, wanted: number, answerBytes: number): number {
  const granted = Math.min(wanted, guard.allowance(now, answerBytes));
  guard.spend(now, granted, answerBytes);
  return granted;
}

describe('AmplificationGuard', () => {
  it('grants everything while no cap has engaged, and keeps its credit', () => {
    const guard = new AmplificationGuard({ ratio: 2.5, holdMs: 10_000, creditCapBytes: 800 });
    expect(grant(guard, 0, 600, 400)).toBe(600);
    guard.engage(1_000);
    expect(grant(guard, 1_000, 3, 400)).toBe(2); // the full credit: two answers of 400 B
  });

  it('holds answers to ratio x the bytes in while engaged', () => {
    const guard = new AmplificationGuard({ ratio: 2.5, holdMs: 10_000, creditCapBytes: 800 });
    guard.engage(0);
    expect(grant(guard, 0, 3, 400)).toBe(2);
    let out = 0;
    let inBytes = 0;
    for (let t = 0; t < 5_000; t += 50) {
      guard.earn(88);
      inBytes += 88;
      out += grant(guard, t, 3, 400) * 400;
    }
    expect(out).toBeLessThanOrEqual(2.5 * inBytes);
    expect(out).toBeGreaterThan(2.5 * inBytes - 800);
  });

  it('caps the credit, so a quiet period cannot be hoarded', () => {
    const guard = new AmplificationGuard({ ratio: 3, holdMs: 1_000, creditCapBytes: 1_200 });
    for (let i = 0; i < 1_000; i += 1) guard.earn(200);
    guard.engage(0);
    expect(grant(guard, 0, 100, 400)).toBe(3);
    expect(grant(guard, 0, 100, 400)).toBe(0);
  });

  it('lets go holdMs after the last engagement', () => {
    const guard = new AmplificationGuard({ ratio: 2.5, holdMs: 10_000, creditCapBytes: 0 });
    guard.engage(0);
    guard.engage(5_000);
    expect(grant(guard, 14_999, 3, 400)).toBe(0);
    expect(guard.engaged(15_000)).toBe(false);
    expect(grant(guard, 15_000, 3, 400)).toBe(3);
  });

  it('is off with ratio 0', () => {
    const guard = new AmplificationGuard({ ratio: 0, holdMs: 10_000, creditCapBytes: 0 });
    guard.engage(0);
    expect(guard.engaged(0)).toBe(false);
    expect(grant(guard, 0, 7, 400)).toBe(7);
  });
});
