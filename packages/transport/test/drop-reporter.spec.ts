import { afterEach, describe, expect, it, vi } from 'vitest';
import { createScheduler, createSystemClock } from '@ssdp/runtime';
import { createDropReporter, type DropReport } from '../src/drop-reporter.ts';

type Reason = 'too-big' | 'rate';

function setup() {
  vi.useFakeTimers({ now: 0 });
  const clock = createSystemClock();
  const reports: (DropReport<Reason, { port: number }> & { at: number })[] = [];
  const reporter = createDropReporter<Reason, { port: number }>({
    clock,
    scheduler: createScheduler({ clock }),
    report: (report) => reports.push({ ...report, at: clock.now() }),
  });
  return { reporter, reports };
}

describe('createDropReporter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports the first drop of a reason at once with its details, and sums the rest of that second', () => {
    const { reporter, reports } = setup();
    reporter.drop('too-big', 1, { port: 1 }, '10.0.0.1');
    for (let i = 0; i < 5; i += 1) reporter.drop('too-big', 2, { port: 2 }, '10.0.0.1');
    expect(reports).toEqual([{ reason: 'too-big', count: 1, first: { port: 1 }, sender: '10.0.0.1', at: 0 }]);
    vi.advanceTimersByTime(999);
    expect(reports).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(reports[1]).toEqual({ reason: 'too-big', count: 10, first: undefined, sender: '10.0.0.1', at: 1000 });
  });

  it('names no sender for a sum from several senders, and keeps reasons apart', () => {
    const { reporter, reports } = setup();
    reporter.drop('rate', 1, { port: 1 }, 'a');
    reporter.drop('too-big', 1, { port: 1 }, 'a');
    reporter.drop('rate', 1, { port: 1 }, 'a');
    reporter.drop('rate', 1, { port: 1 }, 'b');
    vi.advanceTimersByTime(1000);
    expect(reports.map(({ reason, count, sender }) => [reason, count, sender])).toEqual([
      ['rate', 1, 'a'],
      ['too-big', 1, 'a'],
      ['rate', 2, undefined],
    ]);
  });

  it('opens a new window a second after the last report; nothing is reported for count 0', () => {
    const { reporter, reports } = setup();
    reporter.drop('rate', 0, { port: 1 });
    expect(reports).toEqual([]);
    reporter.drop('rate', 1, { port: 1 });
    reporter.drop('rate', 1, { port: 2 });
    vi.advanceTimersByTime(1000); // the sum, at 1000: the next window runs to 2000
    reporter.drop('rate', 1, { port: 3 });
    vi.advanceTimersByTime(1000); // the sum, at 2000
    reporter.drop('rate', 1, { port: 4 }); // still within the window that runs to 3000
    vi.advanceTimersByTime(2000); // the sum at 3000, then a quiet second
    reporter.drop('rate', 1, { port: 5 });
    expect(reports.map(({ count, first, at }) => [count, first?.port, at])).toEqual([
      [1, 1, 0],
      [1, undefined, 1000],
      [1, undefined, 2000],
      [1, undefined, 3000],
      [1, 5, 4000],
    ]);
  });

  it('flush() reports what is being summed at once', () => {
    const { reporter, reports } = setup();
    reporter.drop('rate', 1, { port: 1 });
    reporter.drop('rate', 3, { port: 1 });
    reporter.flush();
    expect(reports.map(({ count, at }) => [count, at])).toEqual([
      [1, 0],
      [3, 0],
    ]);
    vi.advanceTimersByTime(5000);
    expect(reports).toHaveLength(2);
  });
});
