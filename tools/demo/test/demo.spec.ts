// Runs the README demo as a user would (a child process), on a random loopback port, and checks what the
// controller printed. Needs the device app's bin; every process is killed at the end.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const running: ChildProcess[] = [];

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function randomPort(): number {
  return 20_000 + Math.floor(Math.random() * 30_000);
}

function demo(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'tools/demo/demo.ts'), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let stdout = '';
  let stderr = '';
  const listeners: (() => void)[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    /** Resolves once stdout satisfies `test`. */
    until: (test: (text: string) => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => test(stdout) && resolve();
        listeners.push(check);
        check();
      }),
  };
}

const lines = (text: string, prefix: string) => text.split('\n').filter((line) => line.startsWith(prefix));

/** Our processes still running with this port on their command line. */
function leftovers(port: number): string[] {
  const table = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return table.split('\n').filter((line) => /ssdp-(device|controller)\.js/.test(line) && line.includes(`--port ${port}`));
}

describe('npm start (the README demo)', () => {
  it('shows three devices appearing and leaving by byebye (--duration)', async () => {
    const port = randomPort();
    const run = demo(['--port', String(port), '--duration', '6']);
    const code = await run.exited;
    const { stdout, stderr } = run.output();
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const added = lines(stdout, 'device-added');
    const removed = lines(stdout, 'device-removed');
    expect(added).toHaveLength(3);
    expect(removed).toHaveLength(3);
    expect(removed.every((line) => line.endsWith('(byebye)'))).toBe(true);
    const udn = (line: string) => /uuid:[0-9a-f-]{36}/.exec(line)?.[0];
    expect(new Set(added.map(udn)).size).toBe(3);
    expect(new Set(removed.map(udn))).toEqual(new Set(added.map(udn)));
    for (const type of ['BinaryLight', 'MediaRenderer', 'MediaServer']) expect(added.some((line) => line.includes(`:device:${type}:1`))).toBe(true);
    expect(leftovers(port)).toEqual([]);
  });

  it('on SIGINT stops the devices first (byebye shown), then the controller, and leaves no process behind', async () => {
    const port = randomPort();
    const run = demo(['--port', String(port)]);
    await run.until((text) => lines(text, 'device-added').length === 3);
    expect(leftovers(port)).toHaveLength(4);
    run.child.kill('SIGINT');
    const code = await run.exited;
    const { stdout } = run.output();
    expect(code).toBe(0);
    expect(lines(stdout, 'device-removed').filter((line) => line.endsWith('(byebye)'))).toHaveLength(3);
    expect(stdout.indexOf('stopping the devices')).toBeLessThan(stdout.indexOf('device-removed'));
    expect(leftovers(port)).toEqual([]);
  });
});
