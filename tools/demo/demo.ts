// The README demo, on loopback only: one ssdp-controller and three ssdp-device processes (UPnP profile,
// different names and types, throwaway state directories). The controller's output shows the devices
// appearing; Ctrl-C stops the devices first (they send ssdp:byebye, the controller shows them leaving), then
// the controller. Every child dies with the demo.
//
//   npm start                      # port 1900, until Ctrl-C
//   npm start -- --port 41900 --duration 10
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
const DEVICE_BIN = path.join(root, 'packages/device-app/bin/ssdp-device.js');
const CONTROLLER_BIN = path.join(root, 'packages/controller-app/bin/ssdp-controller.js');
/** Loopback, named explicitly: nothing of this demo ever leaves the machine. */
const LOOPBACK = '127.0.0.1';

const DEVICES = [
  { name: 'Kitchen Light', type: 'urn:schemas-upnp-org:device:BinaryLight:1' },
  { name: 'Living Room TV', type: 'urn:schemas-upnp-org:device:MediaRenderer:1' },
  { name: 'Family NAS', type: 'urn:schemas-upnp-org:device:MediaServer:1' },
] as const;

interface Child {
  readonly label: string;
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  stderr: string;
}

const say = (line: string): void => void process.stdout.write(`demo: ${line}\n`);

function usageError(message: string): never {
  process.stderr.write(`demo: ${message}\nUsage: npm start -- [--port <n>] [--duration <s>]\n`);
  process.exit(2);
}

function readArguments(): { port: number; duration: number | undefined } {
  let values;
  try {
    ({ values } = parseArgs({
      options: { port: { type: 'string' }, duration: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    usageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) {
    process.stdout.write('Usage: npm start -- [--port <n>] [--duration <s>]\nLoopback demo: 3 ssdp-device + 1 ssdp-controller; Ctrl-C to stop.\n');
    process.exit(0);
  }
  const port = Number(values.port ?? 1900);
  if (!Number.isInteger(port) || port < 1 || port > 65535) usageError(`--port must be 1..65535: ${values.port}`);
  const duration = values.duration === undefined ? undefined : Number(values.duration);
  if (duration !== undefined && !(duration > 0)) usageError(`--duration must be a positive number of seconds: ${values.duration}`);
  return { port, duration };
}

const children: Child[] = [];
const stateDirs: string[] = [];

function start(label: string, bin: string, args: string[]): Child {
  // Own process group: a Ctrl-C in the terminal reaches only the demo, which then stops the children in order.
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const entry: Child = {
    label,
    process: child,
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    stderr: '',
  };
  child.stderr?.on('data', (chunk: Buffer) => {
    entry.stderr += chunk.toString();
    if (entry.stderr.length > 10_000) entry.stderr = entry.stderr.slice(-10_000);
  });
  children.push(entry);
  return entry;
}

/** Resolves when the child printed a line matching `ready` on stdout; rejects if it exits first. */
function ready(child: Child, pattern: RegExp, onLine?: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    let isReady = false;
    child.process.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        onLine?.(line);
        if (!isReady && pattern.test(line)) {
          isReady = true;
          resolve();
        }
        newline = buffer.indexOf('\n');
      }
    });
    void child.exited.then((code) => {
      if (!isReady) reject(new Error(`${child.label} exited (${code}) before it was ready: ${child.stderr.trim().split('\n').at(-1) ?? ''}`));
    });
  });
}

/** SIGINT (a clean stop), then SIGKILL if it takes longer than `graceMs`. */
async function stop(child: Child, graceMs: number): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGINT');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

function killAll(): void {
  for (const child of children) {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
  }
  for (const dir of stateDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<number> {
  const { port, duration } = readArguments();
  say(`SSDP on loopback, port ${port}: one ssdp-controller, three ssdp-device processes. Ctrl-C stops them.`);

  const controller = start('ssdp-controller', CONTROLLER_BIN, ['--interface', LOOPBACK, '--port', String(port)]);
  // The controller's output is the show: print it as it comes.
  await ready(controller, /^search-sent/, (line) => process.stdout.write(`${line}\n`));

  const devices = DEVICES.map((device, index) => {
    const stateDir = mkdtempSync(path.join(tmpdir(), 'ssdp-demo-'));
    stateDirs.push(stateDir);
    const args = ['--interface', LOOPBACK, '--port', String(port), '--name', device.name, '--type', device.type, '--state-dir', stateDir];
    return { ...device, child: start(`device ${index + 1} (${device.name})`, DEVICE_BIN, args) };
  });
  await Promise.all(devices.map((d) => ready(d.child, /uuid:[0-9a-fA-F-]{36}/)));
  say(`started ${devices.map((d) => `"${d.name}"`).join(', ')}; they appear within MX (3 s), at once from their NOTIFY`);

  let stopRequested: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stopRequested = resolve));
  let signals = 0;
  const onSignal = () => {
    signals += 1;
    if (signals > 1) {
      killAll();
      process.exit(130);
    }
    stopRequested();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  // A device or the controller dying on its own ends the demo too.
  for (const child of children) void child.exited.then(() => stopRequested());
  if (duration !== undefined) setTimeout(() => stopRequested(), duration * 1000).unref();
  await stopped;

  say('stopping the devices (each sends ssdp:byebye)...');
  await Promise.all(devices.map((d) => stop(d.child, 5000)));
  await sleep(500); // let the controller print the byebyes
  say('stopping the controller');
  await stop(controller, 3000);
  const failed = children.filter((c) => c.process.exitCode !== 0 && c.process.exitCode !== null);
  for (const child of failed) process.stderr.write(`demo: ${child.label} exited with ${child.process.exitCode}: ${child.stderr.trim()}\n`);
  return failed.length === 0 ? 0 : 1;
}

process.on('exit', killAll); // whatever happens, no child outlives the demo
main().then(
  (code) => {
    killAll();
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
    killAll();
    process.exit(1);
  },
);
