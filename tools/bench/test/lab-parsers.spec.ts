import { describe, expect, it } from 'vitest';
import { lastAtOrBefore, parseProcStat, parseProcStatus, type ProcSample } from '../src/lab/process-usage.ts';
import { countKind, firstSearchFrom, lastOfKind, parseTapLine, type TapEvent } from '../src/lab/tap-events.ts';
import { parseUsage } from '../src/lab/usage-file.ts';

describe('/proc parsing', () => {
  it('reads utime and stime after a command name with spaces and parentheses', () => {
    const line =
      '4242 (node (tsx) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 731 95 0 0 20 0 11 0 123456 1000000 25000 18446744073709551615';
    expect(parseProcStat(line)).toEqual({ utime: 731, stime: 95 });
  });

  it('rejects a line that is not a stat line', () => {
    expect(() => parseProcStat('garbage')).toThrow(/stat/);
  });

  it('reads VmRSS and VmHWM', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1200000 kB\nVmHWM:\t  150000 kB\nVmRSS:\t  120000 kB\nThreads:\t11\n';
    expect(parseProcStatus(status)).toEqual({ rssKiB: 120000, peakRssKiB: 150000 });
    expect(() => parseProcStatus('Name:\tnode\n')).toThrow(/VmRSS/);
  });

  it('finds the last sample at or before a time', () => {
    const samples: ProcSample[] = [10, 20, 30].map((at) => ({ at, cpuMs: at * 2, rssKiB: 1, peakRssKiB: 1 }));
    expect(lastAtOrBefore(samples, 25)?.at).toBe(20);
    expect(lastAtOrBefore(samples, 30)?.at).toBe(30);
    expect(lastAtOrBefore(samples, 5)).toBeUndefined();
  });

  it('checks the usage record', () => {
    expect(parseUsage('{"pid":1,"userCpuMs":2.5,"systemCpuMs":1,"maxRssKiB":9}')).toEqual({
      pid: 1,
      userCpuMs: 2.5,
      systemCpuMs: 1,
      maxRssKiB: 9,
    });
    expect(() => parseUsage('{"pid":1}')).toThrow(/userCpuMs/);
  });
});

describe('tap events', () => {
  const lines = [
    '{"k":"ready","at":100,"a":"10.77.0.4","p":1900}',
    '{"k":"n","at":150,"a":"10.77.0.2","p":1900}',
    '{"k":"s","at":200,"a":"10.77.0.3","p":40000}',
    'not json',
    '{"k":"s","at":300,"a":"10.77.0.3","p":40000}',
    '{"k":"x","at":310,"a":"10.77.0.3","p":1}',
    '{"k":"n","at":400,"a":"10.77.0.2","p":1900}',
  ];
  const events = lines.map(parseTapLine).filter((e): e is TapEvent => e !== undefined);

  it('parses only well-formed lines of known kinds', () => {
    expect(events.map((e) => e.kind)).toEqual(['ready', 'notify', 'm-search', 'm-search', 'notify']);
  });

  it('answers the benchmark questions', () => {
    expect(firstSearchFrom(events, '10.77.0.3', 250)?.at).toBe(300);
    expect(firstSearchFrom(events, '10.77.0.9', 0)).toBeUndefined();
    expect(countKind(events, 'notify', 100, 399)).toBe(1);
    expect(countKind(events, 'notify', 100, 400)).toBe(2);
    expect(lastOfKind(events, 'notify')).toBe(400);
    expect(lastOfKind(events, 'other')).toBe(Number.NEGATIVE_INFINITY);
  });
});
