// Runs one node process inside a lab host and measures it: its stdout lines, /proc samples while it runs, and
// its own getrusage at exit (report-usage.mjs, preloaded).
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { startLabProcess, type NetnsLab } from '@ssdp/netns';
import { createLineCollector, type LineCollector } from './line-collector.ts';
import { startSampler, type ProcessSampler } from './process-usage.ts';
import { REPORT_USAGE_MODULE, takeUsage, usageFilePath, type ProcessUsage } from './usage-file.ts';

export interface MeasuredProcess {
  readonly child: ChildProcess;
  readonly stdout: LineCollector;
  readonly stderr: LineCollector;
  readonly sampler: ProcessSampler;
  readonly startedAt: number;
  /** Resolves when the process exits (or rejects after `timeoutMs`, having killed it). */
  exited(timeoutMs: number): Promise<MeasuredExit>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit. */
  stop(graceMs?: number): Promise<MeasuredExit>;
}

export interface MeasuredExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly endedAt: number;
  /** From the process itself; undefined when it was killed before it could write it. */
  readonly usage: ProcessUsage | undefined;
}

export interface MeasuredProcessInit {
  readonly lab: NetnsLab;
  readonly host: string;
  /** Node flags before the script (e.g. ['--import', 'tsx']); the usage reporter is added after them. */
  readonly nodeFlags?: readonly string[];
  readonly script: string;
  readonly args: readonly string[];
  readonly label: string;
  readonly tmpDirectory: string;
  readonly sampleMs?: number;
  readonly env?: Readonly<Record<string, string>>;
  /** Send stdout to this file instead of a pipe (a chatty process then costs the benchmark nothing). */
  readonly stdoutFile?: string;
  /** Niceness for the process (see setLabPriority). */
  readonly priority?: number;
}

export function startMeasured(init: MeasuredProcessInit): MeasuredProcess {
  const usageFile = usageFilePath(init.tmpDirectory, init.label);
  const startedAt = Date.now();
  const stdoutFd = init.stdoutFile === undefined ? undefined : openSync(init.stdoutFile, 'w');
  const stdout = createLineCollector();
  const stderr = createLineCollector();
  const running = startLabProcess(
    init.lab,
    init.host,
    process.execPath,
    [...(init.nodeFlags ?? []), '--import', REPORT_USAGE_MODULE, init.script, ...init.args],
    {
      env: { ...process.env, ...init.env, BENCH_USAGE_FILE: usageFile },
      ...(stdoutFd === undefined ? {} : { stdoutFd }),
      onStdoutLine: stdout.push,
      onStderrLine: stderr.push,
    },
  );
  const child = running.child;
  if (stdoutFd !== undefined) closeSync(stdoutFd);
  setLabPriority(child.pid, init.priority);
  const sampler = startSampler(child.pid ?? -1, init.sampleMs ?? 50);
  const exit = running.exited.then(({ code, signal }) => {
    sampler.stop();
    return { code, signal, endedAt: Date.now(), usage: takeUsage(usageFile) };
  });
  const stop = async (graceMs = 5000): Promise<MeasuredExit> => {
    await running.stop('SIGTERM', graceMs);
    return exit;
  };
  return {
    child,
    stdout,
    stderr,
    sampler,
    startedAt,
    stop,
    async exited(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(
            new Error(
              `${init.label} did not exit within ${timeoutMs} ms; stderr: ${stderr.lines.slice(-3).join(' | ')}`,
            ),
          );
        }, timeoutMs);
      });
      try {
        return await Promise.race([exit, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * Gives a lab process a niceness: its main thread (os.setPriority; threads and children it starts inherit it) and,
 * where the kernel groups processes by session (sched_autogroup), its autogroup, because across autogroups only
 * the group's niceness counts. The autogroup is the benchmark's own session (lab processes are its children). On
 * a machine shared with other people's CI, a negative value keeps the measured processes from being starved by
 * unrelated load; the benchmarks record the value they used. 0 or undefined: leave it alone.
 */
export function setLabPriority(pid: number | undefined, priority: number | undefined): void {
  if (pid === undefined || priority === undefined || priority === 0) return;
  try {
    setPriority(pid, priority);
  } catch {
    // Not allowed (not root) or already gone: measure at the default priority.
  }
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(priority));
  } catch {
    // No autogroups in this kernel, or not allowed.
  }
}

/** Puts the benchmark's autogroup back to niceness 0 (setLabPriority raised it for the whole session). */
export function resetLabPriority(priority: number | undefined): void {
  if (priority === undefined || priority === 0) return;
  try {
    writeFileSync('/proc/self/autogroup', '0');
  } catch {
    // No autogroups in this kernel.
  }
}
