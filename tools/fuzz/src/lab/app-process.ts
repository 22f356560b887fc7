// One of our bins (ssdp-device, ssdp-controller) running with --json inside a lab host: its NDJSON events, its
// stderr, its RSS, and a way to wait for an event. `dropped` lines are only counted (by reason and source):
// under a flood the controller prints one per datagram and keeping them would measure the runner, not the app.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLabProcess, type LabProcess, type NetnsLab } from '@ssdp/netns';
import { readRssKiB } from './proc.ts';

export const WORKSPACE_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const DEVICE_BIN = path.join(WORKSPACE_ROOT, 'packages/device-app/bin/ssdp-device.js');
export const CONTROLLER_BIN = path.join(WORKSPACE_ROOT, 'packages/controller-app/bin/ssdp-controller.js');

export type AppEvent = Record<string, unknown> & { readonly event: string };

export interface AppProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly process: LabProcess;
  readonly pid: number;
  /** Every event except `dropped` (see drops). */
  readonly events: AppEvent[];
  /** `dropped` events: count per reason (a device event stands for `count` drops), and per reason and source address. */
  readonly drops: Map<string, number>;
  readonly dropsBySource: Map<string, number>;
  /** ISO time of the first `dropped` event of each reason. */
  readonly firstDropAt: Map<string, string>;
  /** Lines the process printed on stdout (a coalesced `dropped` event is one line). */
  stdoutLines(): number;
  stderr(): string;
  /** Resolves with the first event (already seen or future) matching `predicate`; rejects on exit or timeout. */
  waitFor(predicate: (event: AppEvent) => boolean, timeoutMs?: number, what?: string): Promise<AppEvent>;
  rssKiB(): number | undefined;
  /** Resolves with the exit code (or 128 + signal) once the process is gone. */
  readonly exited: Promise<number>;
  readonly exitCode: number | undefined;
}

const DROP_REASON = /"reason":"([^"]*)"/;
const DROP_COUNT = /"count":(\d+)/;
// Device: "source":{"address":"10.77.0.4",...}; controller: "address":"10.77.0.4".
const DROP_ADDRESS = /"address":"([^"]*)"/;
const DROP_TIME = /"time":"([^"]*)"/;

export function spawnApp(
  lab: NetnsLab,
  host: string,
  name: string,
  bin: string,
  args: readonly string[],
  nodeOptions?: string,
): AppProcess {
  return spawnNode(lab, host, name, [bin, ...args], nodeOptions);
}

/** One of this package's scripts (src/<script>) that prints NDJSON events, run like an app. */
export function spawnScript(
  lab: NetnsLab,
  host: string,
  name: string,
  script: string,
  args: readonly string[],
): AppProcess {
  return spawnNode(lab, host, name, ['--import', 'tsx', path.join(WORKSPACE_ROOT, 'tools/fuzz/src', script), ...args]);
}

/** `node <argv>` in a lab host; `command` replaces node (e.g. setpriv ... node) when given. */
export function spawnNode(
  lab: NetnsLab,
  host: string,
  name: string,
  argv: readonly string[],
  nodeOptions?: string,
  command?: readonly string[],
): AppProcess {
  const env =
    nodeOptions === undefined
      ? process.env
      : { ...process.env, NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} ${nodeOptions}`.trim() };
  const [file, ...prefixArgs] = command ?? [process.execPath];
  const events: AppEvent[] = [];
  const drops = new Map<string, number>();
  const dropsBySource = new Map<string, number>();
  const firstDropAt = new Map<string, string>();
  let stderr = '';
  let exitCode: number | undefined;
  const waiters = new Set<{ predicate: (e: AppEvent) => boolean; resolve: (e: AppEvent) => void }>();

  let lines = 0;
  const onLine = (line: string): void => {
    lines += 1;
    if (line.startsWith('{"event":"dropped"') && line.includes('"reason"')) {
      // Cheap path: a flood prints hundreds of thousands of these.
      const reason = DROP_REASON.exec(line)?.[1] ?? '?';
      const count = Number(DROP_COUNT.exec(line)?.[1] ?? 1);
      const address = DROP_ADDRESS.exec(line)?.[1] ?? '-';
      drops.set(reason, (drops.get(reason) ?? 0) + count);
      if (!firstDropAt.has(reason)) firstDropAt.set(reason, DROP_TIME.exec(line)?.[1] ?? '');
      const key = `${reason} ${address}`;
      dropsBySource.set(key, (dropsBySource.get(key) ?? 0) + count);
      return;
    }
    let event: AppEvent;
    try {
      event = JSON.parse(line) as AppEvent;
    } catch {
      stderr += `(stdout, not JSON) ${line}\n`;
      return;
    }
    events.push(event);
    for (const waiter of waiters) {
      if (waiter.predicate(event)) {
        waiters.delete(waiter);
        waiter.resolve(event);
      }
    }
  };
  const labProcess = startLabProcess(lab, host, file!, [...prefixArgs, ...argv], {
    cwd: WORKSPACE_ROOT,
    env,
    onStdoutLine: onLine,
    onStderrLine: (line) => {
      if (stderr.length < 1_000_000) stderr += `${line}\n`;
    },
  });
  const child = labProcess.child;
  if (child.pid === undefined) throw new Error(`${name}: could not spawn`);
  const exited = labProcess.exited.then(({ code, signal }) => {
    exitCode = code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 2);
    return exitCode;
  });

  return {
    name,
    child,
    process: labProcess,
    pid: child.pid,
    events,
    drops,
    dropsBySource,
    firstDropAt,
    stdoutLines: () => lines,
    stderr: () => stderr,
    waitFor(predicate, timeoutMs = 15_000, what = 'an event') {
      const seen = events.find(predicate);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve: (e: AppEvent) => finish(() => resolve(e)) };
        const timer = setTimeout(
          () =>
            finish(() =>
              reject(new Error(`${name}: no ${what} within ${timeoutMs} ms; stderr: ${stderr.trim().slice(0, 500)}`)),
            ),
          timeoutMs,
        );
        const onExit = (): void =>
          finish(() =>
            reject(
              new Error(`${name} exited (${String(exitCode)}) before ${what}; stderr: ${stderr.trim().slice(0, 500)}`),
            ),
          );
        void exited.then(onExit);
        let done = false;
        function finish(then: () => void): void {
          if (done) return;
          done = true;
          clearTimeout(timer);
          waiters.delete(waiter);
          then();
        }
        waiters.add(waiter);
      });
    },
    rssKiB: () => readRssKiB(child.pid!),
    exited,
    get exitCode() {
      return exitCode;
    },
  };
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. Resolves with the exit code. */
export async function stopApp(app: AppProcess, graceMs = 10_000): Promise<number> {
  await app.process.stop('SIGTERM', graceMs);
  return app.exited;
}

/** Samples RSS of some processes every `everyMs`: the peak and the last value of each. */
export function sampleRss(
  apps: readonly AppProcess[],
  everyMs = 200,
): { stop(): Record<string, { peakKiB: number; samples: number }> } {
  const peaks = new Map<string, { peakKiB: number; samples: number }>();
  const tick = (): void => {
    for (const app of apps) {
      const rss = app.rssKiB();
      if (rss === undefined) continue;
      const entry = peaks.get(app.name) ?? { peakKiB: 0, samples: 0 };
      entry.peakKiB = Math.max(entry.peakKiB, rss);
      entry.samples += 1;
      peaks.set(app.name, entry);
    }
  };
  tick();
  // unref: a run that fails before stop() must still be able to exit.
  const timer = setInterval(tick, everyMs).unref();
  return {
    stop() {
      clearInterval(timer);
      tick();
      return Object.fromEntries(peaks);
    },
  };
}
