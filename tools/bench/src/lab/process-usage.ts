// CPU time and memory of another process, read from /proc (Linux): the lab's processes run in other network
// namespaces but in our PID namespace, so /proc/<pid> is theirs. The exact totals come from the process itself
// at exit (report-usage.mjs); these samples give the timeline (CPU before a search, RSS over a storm).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcSample {
  /** Date.now() when read. */
  readonly at: number;
  /** utime + stime, ms. */
  readonly cpuMs: number;
  readonly rssKiB: number;
  /** VmHWM: the peak RSS so far. */
  readonly peakRssKiB: number;
}

/** utime and stime (clock ticks) from /proc/<pid>/stat; the command name may contain spaces and parentheses. */
export function parseProcStat(text: string): { utime: number; stime: number } {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line');
  // After "pid (comm) " come the fields from #3 (state) on: utime is #14, stime #15.
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('no utime/stime in /proc/<pid>/stat');
  return { utime, stime };
}

/** VmRSS and VmHWM (KiB) from /proc/<pid>/status. */
export function parseProcStatus(text: string): { rssKiB: number; peakRssKiB: number } {
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
    if (match === null) throw new Error(`no ${name} in /proc/<pid>/status`);
    return Number(match[1]);
  };
  return { rssKiB: field('VmRSS'), peakRssKiB: field('VmHWM') };
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** One reading, or undefined when the process is gone. */
export function sampleProcess(pid: number): ProcSample | undefined {
  try {
    const { utime, stime } = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const { rssKiB, peakRssKiB } = parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { at: Date.now(), cpuMs: ((utime + stime) * 1000) / clockTicks(), rssKiB, peakRssKiB };
  } catch {
    return undefined;
  }
}

export interface ProcessSampler {
  readonly samples: readonly ProcSample[];
  /** The last sample at or before `time`. */
  at(time: number): ProcSample | undefined;
  stop(): readonly ProcSample[];
}

/** Samples `pid` every `intervalMs` until stopped or the process is gone. */
export function startSampler(pid: number, intervalMs = 100): ProcessSampler {
  const samples: ProcSample[] = [];
  const take = (): void => {
    const sample = sampleProcess(pid);
    if (sample === undefined) clearInterval(timer);
    else samples.push(sample);
  };
  const timer = setInterval(take, intervalMs);
  take();
  return {
    samples,
    at: (time) => lastAtOrBefore(samples, time),
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}

export function lastAtOrBefore(samples: readonly ProcSample[], time: number): ProcSample | undefined {
  let found: ProcSample | undefined;
  for (const sample of samples) {
    if (sample.at > time) break;
    found = sample;
  }
  return found;
}
