// Runs the demo as a user would (a child process in its own process group, like a shell job) with a marker in
// its environment, which every process it starts inherits, and a private TMPDIR for its state folders: what is
// left behind afterwards is found by the marker in /proc and by listing that TMPDIR.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const MARKER = 'SSDP_DEMO_TEST_RUN';

export interface DemoRun {
  readonly pid: number;
  /** Resolves with the exit code, or the signal when one ended the demo. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): { stdout: string; stderr: string };
  /** Resolves once a stdout line matches `pattern` (rejects if the demo exits first). */
  until(pattern: RegExp): Promise<void>;
  /** Sends `signal` to the demo's process group, as a terminal does on Ctrl-C. */
  signal(signal: NodeJS.Signals): void;
  /** The processes still alive that carry this run's marker (the demo and everything it started). */
  processes(): MarkedProcess[];
  /** The ssdp-demo-* folders in this run's TMPDIR. */
  folders(): string[];
  /** Kills whatever is left and removes the TMPDIR (afterEach). */
  dispose(): void;
}

export interface MarkedProcess {
  readonly pid: number;
  /** Its command line, arguments joined by spaces. */
  readonly command: string;
}

export const randomPort = (): number => 20_000 + Math.floor(Math.random() * 30_000);

/** Processes (not zombies) whose environment holds `entry`. */
function processesWith(entry: string): MarkedProcess[] {
  const found: MarkedProcess[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (/^\S+ \(.*\) Z /.test(readFileSync(`/proc/${name}/stat`, 'utf8'))) continue;
      if (!readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(entry)) continue;
      found.push({
        pid: Number(name),
        command: readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim(),
      });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

export function runDemo(args: readonly string[]): DemoRun {
  const temp = mkdtempSync(path.join(tmpdir(), 'ssdp-demo-test-'));
  const id = randomUUID();
  const entry = `${MARKER}=${id}`;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'tools/demo/demo.ts'), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, TMPDIR: temp, [MARKER]: id },
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    pid: child.pid!,
    exited,
    output: () => ({ stdout, stderr }),
    until: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (stdout.split('\n').some((line) => pattern.test(line))) {
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
        check();
        void exited.then(() => reject(new Error(`the demo exited before ${String(pattern)}: ${stdout}${stderr}`)));
      }),
    signal: (signal) => process.kill(-child.pid!, signal),
    processes: () => processesWith(entry),
    folders: () => readdirSync(temp).filter((name) => name.startsWith('ssdp-demo-')),
    dispose() {
      for (const { pid } of processesWith(entry)) process.kill(pid, 'SIGKILL');
      rmSync(temp, { recursive: true, force: true });
    },
  };
}

/** The marked processes, after giving dying ones up to `ms` to go. */
export async function survivors(run: DemoRun, ms = 2000): Promise<MarkedProcess[]> {
  const until = Date.now() + ms;
  for (;;) {
    const alive = run.processes();
    if (alive.length === 0 || Date.now() > until) return alive;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
