// Runs one node process inside a lab host and measures it: its stdout lines, /proc samples while it runs, and
// its own getrusage at exit (report-usage.mjs, preloaded).
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { NetnsLab } from '@ssdp/netns';
import { startLabChild } from './lab-child.ts';
import type { LineCollector } from './line-collector.ts';
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
  /** Niceness for the process (see lab-priority.ts). */
  readonly priority?: number;
}

export function startMeasured(init: MeasuredProcessInit): MeasuredProcess {
  const usageFile = usageFilePath(init.tmpDirectory, init.label);
  const startedAt = Date.now();
  const stdoutFd = init.stdoutFile === undefined ? undefined : openSync(init.stdoutFile, 'w');
  const {
    process: running,
    stdout,
    stderr,
  } = startLabChild({
    lab: init.lab,
    host: init.host,
    file: process.execPath,
    args: [...(init.nodeFlags ?? []), '--import', REPORT_USAGE_MODULE, init.script, ...init.args],
    env: { ...process.env, ...init.env, BENCH_USAGE_FILE: usageFile },
    ...(stdoutFd === undefined ? {} : { stdoutFd }),
    priority: init.priority,
  });
  const child = running.child;
  if (stdoutFd !== undefined) closeSync(stdoutFd);
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
