// Real processes over real UDP on loopback (random high port, never 1900/1337): the controller's bin finds the
// device app's bin, both run as black boxes. Children are always killed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { version } from '../src/version.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const deviceBin = path.join(root, 'packages/device-app/bin/ssdp-device.js');
const controllerBin = path.join(root, 'packages/controller-app/bin/ssdp-controller.js');

const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function randomPort(): number {
  return 20_000 + Math.floor(Math.random() * 30_000);
}

function startDevice(args: string[]): Promise<ChildProcess> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'ssdp-controller-test-'));
  dirs.push(stateDir);
  const child = spawn(process.execPath, [deviceBin, '--state-dir', stateDir, '--duration', '30', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  // Ready once it has printed its identity (it announces right after binding).
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/uuid:[0-9a-f-]{36}/.test(output)) {
        child.stdout?.off('data', onData);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`ssdp-device exited with ${code}: ${output}`)));
  });
}

function spawnController(args: string[], nodeArgs: string[] = []) {
  const child = spawn(process.execPath, [...nodeArgs, controllerBin, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
  /** Resolves once stderr has the loopback hint: the controller is up (it prints it after a successful start). */
  const up = async () => {
    while (!stderr.includes('listening on loopback only')) {
      if (child.exitCode !== null) throw new Error(`ssdp-controller exited with ${child.exitCode}: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { child, exited, up };
}

const runController = (args: string[]) => spawnController(args).exited;

describe('over real UDP on loopback', () => {
  it('ssdp-controller --once --json finds a running ssdp-device, with its friendlyName from the description', async () => {
    const port = randomPort();
    await startDevice([
      '--port',
      String(port),
      '--name',
      'Real Device X',
      '--type',
      'urn:schemas-upnp-org:device:BinaryLight:1',
    ]);
    const { code, stdout, stderr } = await runController(['--once', '--json', '--port', String(port)]);
    expect(stderr).not.toMatch(/Error|at .*\.ts:/);
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    // The device, then the stats (kernelDrops read from /proc/net/udp for our sockets).
    expect(lines.map((line) => line['event'])).toEqual(['device-found', 'stats']);
    expect(lines[1]).toMatchObject({ kernelDrops: 0, receiveBuffer: { requested: 4_194_304 } });
    const found = lines.slice(0, 1);
    expect(found[0]).toMatchObject({
      event: 'device-found',
      address: '127.0.0.1',
      friendlyName: 'Real Device X',
      deviceType: 'urn:schemas-upnp-org:device:BinaryLight:1',
      describe: 'described',
    });
    expect(found[0]!['udn']).toMatch(/^uuid:[0-9a-f-]{36}$/);
    expect(found[0]!['location']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(found[0]!['usns']).toEqual(expect.arrayContaining([`${String(found[0]!['udn'])}::upnp:rootdevice`]));
  }, 30_000);

  it('exits 1 when no device answers on that port', async () => {
    const { code, stdout } = await runController(['--once', '--json', '--port', String(randomPort()), '--mx', '1']);
    expect(code).toBe(1);
    expect(
      stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { event: string }).event),
    ).toEqual(['stats']);
  }, 30_000);

  it('answers --version (and -V) alone at once (the fast path), and --version with a bad flag like any run', () => {
    for (const flag of ['--version', '-V']) {
      const run = spawnSync(process.execPath, [controllerBin, flag], { encoding: 'utf8' });
      expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({
        status: 0,
        stdout: `${version}\n`,
        stderr: '',
      });
    }
    const bad = spawnSync(process.execPath, [controllerBin, '--version', '--bogus'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^ssdp-controller: .*bogus.* \(see --help\)\n$/);
  }, 30_000);

  it('stops cleanly on the first SIGINT or SIGTERM: exit 0', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const run = spawnController(['--port', String(randomPort())]);
      await run.up();
      run.child.kill(signal);
      expect((await run.exited).code).toBe(0);
    }
  }, 30_000);

  it('on an unexpected error (uncaught exception): one stderr line and exit 70', async () => {
    const inject = `data:text/javascript,process.on('SIGUSR2',()=>setImmediate(()=>{throw new Error('injected failure')}))`;
    const run = spawnController(['--port', String(randomPort())], ['--import', inject]);
    await run.up();
    run.child.kill('SIGUSR2');
    const { code, stderr } = await run.exited;
    expect(code).toBe(70);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^ssdp-controller: unexpected error, stopping \(exit 70\): Error: injected failure \(at /);
  }, 30_000);

  it('keeps running, with one stderr line, when the reader of its stdout goes away (EPIPE), then stops with 0', async () => {
    const port = randomPort();
    const run = spawnController(['--port', String(port), '--interval', '1', '--mx', '1']);
    await run.up();
    run.child.stdout!.destroy();
    await startDevice(['--port', String(port)]); // its NOTIFYs make the controller print
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(run.child.exitCode).toBe(null);
    run.child.kill('SIGTERM');
    const { code, stderr } = await run.exited;
    expect(code).toBe(0);
    expect(stderr.trim().split('\n').slice(1)).toEqual([
      'ssdp-controller: stdout closed (EPIPE); further output is discarded',
    ]);
  }, 30_000);

  it('legacy profile: the device\u2019s NOTIFY replies reach the controller on the shared port', async () => {
    const port = randomPort();
    await startDevice(['--profile', 'legacy', '--port', String(port), '--name', 'Legacy Y']);
    const { code, stdout } = await runController(['--once', '--json', '--profile', 'legacy', '--port', String(port)]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout.trim().split('\n')[0]!)).toMatchObject({
      event: 'device-found',
      friendlyName: 'Legacy Y',
    });
  }, 30_000);
});
