// What the demo owns and must not leave behind: its child processes and its temporary state directories.
// Children run in their own process group (a Ctrl-C in the terminal reaches only the demo, which then stops them
// in order) and are stopped with SIGTERM, so each sends its ssdp:byebye, with SIGKILL after a bound.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Child {
  readonly label: string;
  readonly process: ChildProcess;
  /** Resolves when the process has exited (its exit code, or null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** The last lines of its stderr. */
  stderr(): string;
  /** Resolves true when a stdout line matches `pattern`, false if the process exits first. */
  ready(pattern: RegExp): Promise<boolean>;
  /** Called with every stdout line. */
  onLine(listener: (line: string) => void): void;
}

const STDERR_KEPT = 10_000;

function watch(label: string, child: ChildProcess): Child {
  let stderr = '';
  let buffer = '';
  const listeners: ((line: string) => void)[] = [];
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_KEPT)));
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      for (const listener of listeners) listener(line);
    }
  });
  // 'close' (not 'exit'): by then every line it wrote has been read.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const entry: Child = {
    label,
    process: child,
    exited,
    stderr: () => stderr,
    onLine: (listener) => void listeners.push(listener),
    ready: (pattern) =>
      new Promise((resolve) => {
        entry.onLine((line) => pattern.test(line) && resolve(true));
        void exited.then(() => resolve(false));
      }),
  };
  return entry;
}

const running = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

export interface Session {
  /** Starts `node <bin> <args>` from `cwd`. */
  spawn(label: string, bin: string, args: readonly string[], cwd: string): Child;
  /** A new empty directory under the system's temp dir, removed by cleanup(). */
  makeTempDir(prefix: string): string;
  /** SIGTERM to each child still running, SIGKILL after `graceMs`; resolves when all have exited. */
  stop(children: readonly Child[], graceMs: number): Promise<void>;
  /** Synchronous last resort: SIGKILL to every child still running, and every temp dir removed. */
  cleanup(): void;
}

export function createSession(): Session {
  const children: Child[] = [];
  const dirs: string[] = [];
  return {
    spawn(label, bin, args, cwd) {
      const child = watch(
        label,
        spawn(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true }),
      );
      children.push(child);
      return child;
    },
    makeTempDir(prefix) {
      const dir = mkdtempSync(path.join(tmpdir(), prefix));
      dirs.push(dir); // at once: a signal can only run after this synchronous step
      return dir;
    },
    async stop(some, graceMs) {
      await Promise.all(
        some.map(async (child) => {
          if (!running(child.process)) return child.exited;
          child.process.kill('SIGTERM');
          const timer = setTimeout(() => running(child.process) && child.process.kill('SIGKILL'), graceMs);
          await child.exited;
          clearTimeout(timer);
        }),
      );
    },
    cleanup() {
      for (const child of children) if (running(child.process)) child.process.kill('SIGKILL');
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
