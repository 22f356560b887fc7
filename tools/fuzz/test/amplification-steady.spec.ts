import { describe, expect, it } from 'vitest';
import { steadyStartS } from '../src/amplification.ts';
import type { AppEvent } from '../src/lab/app-process.ts';

const start = Date.parse('2026-11-26T00:00:00.000Z');
const at = (ms: number): string => new Date(start + ms).toISOString();
const search = (searchId: number, ms: number): AppEvent => ({ event: 'search-received', searchId, time: at(ms) });
const answer = (searchId: number, ms: number): AppEvent => ({ event: 'response-sent', searchId, time: at(ms) });

describe('steadyStartS (where the amplification run starts counting the engaged cap)', () => {
  it('is the second after the first rate-limit drop plus the response window when the early answers are on time', () => {
    const events = [
      search(1, 100),
      answer(1, 600),
      search(2, 2_100),
      answer(2, 2_900),
      search(3, 2_600),
      answer(3, 3_000),
    ];
    // First drop at 2.5 s, window 1 s: answers of searches 1 and 2 are all out by 3.5 s.
    expect(steadyStartS(events, start + 2_500, 1, start)).toBe(4);
  });

  it('waits for the last answer to a search received before the drop when the device ran behind', () => {
    const events = [
      search(1, 100),
      search(2, 2_400),
      answer(1, 3_000),
      answer(2, 6_700),
      search(3, 2_600),
      answer(3, 7_200),
    ];
    // Search 2 came before the drop (2.5 s) but its answer went out at 6.7 s; search 3's does not count.
    expect(steadyStartS(events, start + 2_500, 1, start)).toBe(7);
  });
});
