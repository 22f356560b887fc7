// The README demo as a user runs it (a child process on a random loopback port): what the controller prints, and
// that a signal at any moment, startup included, or a busy port leaves no process and no state folder behind.
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { randomPort, runDemo, survivors, type DemoRun } from './run-demo.ts';

const runs: DemoRun[] = [];
afterEach(() => {
  for (const run of runs.splice(0)) run.dispose();
});

function demo(args: string[]): DemoRun {
  const run = runDemo(args);
  runs.push(run);
  return run;
}

const lines = (text: string, prefix: string) => text.split('\n').filter((line) => line.startsWith(prefix));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('npm start (the README demo)', () => {
  it('shows three devices appearing and leaving by byebye (--duration)', async () => {
    const run = demo(['--port', String(randomPort()), '--duration', '6']);
    const { code } = await run.exited;
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
    for (const type of ['BinaryLight', 'MediaRenderer', 'MediaServer'])
      expect(added.some((line) => line.includes(`:device:${type}:1`))).toBe(true);
    expect(await survivors(run)).toEqual([]);
    expect(run.folders()).toEqual([]);
  });

  it('on SIGINT once up, stops the devices first (byebye shown), then the controller, and leaves nothing behind', async () => {
    const run = demo(['--port', String(randomPort())]);
    await run.until(/^device-added/);
    await run.until(/^demo: started/);
    const bins = run.processes().filter((p) => /ssdp-(device|controller)\.js/.test(p.command));
    expect(bins).toHaveLength(4); // the controller and three devices (besides the demo and tsx's esbuild)
    expect(run.folders()).toHaveLength(3);
    while (lines(run.output().stdout, 'device-added').length < 3) await sleep(50);
    run.signal('SIGINT');
    const { code } = await run.exited;
    const { stdout } = run.output();
    expect(code).toBe(0);
    expect(lines(stdout, 'device-removed').filter((line) => line.endsWith('(byebye)'))).toHaveLength(3);
    expect(stdout.indexOf('stopping the devices')).toBeLessThan(stdout.indexOf('device-removed'));
    expect(await survivors(run)).toEqual([]);
    expect(run.folders()).toEqual([]);
  });

  // Moments of the startup, from the first milliseconds (Node still loading the demo) to the devices being up.
  // `after`: a stdout line to wait for first (none: from the spawn). Handlers are installed before any spawn, so
  // once the demo has printed anything, a signal is always a clean stop (exit 0).
  const moments: { name: string; signal: NodeJS.Signals; after?: RegExp; delayMs: number }[] = [
    { name: '0.2 s after the spawn', signal: 'SIGINT', delayMs: 200 },
    { name: '1 s after the spawn', signal: 'SIGINT', delayMs: 1000 },
    { name: 'as the controller starts', signal: 'SIGINT', after: /^demo: SSDP on loopback/, delayMs: 0 },
    { name: '300 ms into the controller start', signal: 'SIGINT', after: /^demo: SSDP on loopback/, delayMs: 300 },
    { name: 'as the devices start', signal: 'SIGINT', after: /^search-sent/, delayMs: 0 },
    { name: '300 ms into the devices start', signal: 'SIGINT', after: /^search-sent/, delayMs: 300 },
    { name: 'as the devices start (SIGTERM)', signal: 'SIGTERM', after: /^search-sent/, delayMs: 100 },
    { name: 'as the devices come up', signal: 'SIGINT', after: /^demo: started/, delayMs: 0 },
  ];

  it.each(moments)('$signal $name: no process and no folder left', async ({ signal, after, delayMs }) => {
    const run = demo(['--port', String(randomPort())]);
    if (after !== undefined) await run.until(after);
    await sleep(delayMs);
    run.signal(signal);
    const { code, signal: killedBy } = await run.exited;
    if (after !== undefined) expect({ code, stderr: run.output().stderr }).toEqual({ code: 0, stderr: '' });
    else expect(code === 0 || killedBy === signal).toBe(true); // before its handlers exist, Node's default action
    expect(await survivors(run)).toEqual([]);
    expect(run.folders()).toEqual([]);
  });

  it('with the port held by another program, exits 2 with one line that suggests another port', async () => {
    const port = randomPort();
    // A foreign socket on the port without SO_REUSEADDR, like minissdpd on 1900.
    const holder = dgram.createSocket({ type: 'udp4', reuseAddr: false });
    await new Promise<void>((resolve, reject) => {
      holder.once('error', reject);
      holder.bind(port, '127.0.0.1', () => resolve());
    });
    try {
      const run = demo(['--port', String(port)]);
      const { code } = await run.exited;
      const stderr = run.output().stderr.trim().split('\n');
      expect(code).toBe(2);
      expect(stderr).toEqual([
        `demo: port ${port} is in use by another program (SSDP_ERR_PORT_IN_USE); try another one: npm start -- --port 41900`,
      ]);
      expect(await survivors(run)).toEqual([]);
      expect(run.folders()).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});
