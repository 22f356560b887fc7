// The README demo, on loopback only: one ssdp-controller and three ssdp-device processes (UPnP profile,
// different names and types, throwaway state directories). The controller's output shows the devices
// appearing; Ctrl-C stops the devices first (they send ssdp:byebye, the controller shows them leaving), then
// the controller. A signal or an error at any moment, startup included, leaves no process and no folder behind.
//
//   npm start                      # port 1900, until Ctrl-C
//   npm start -- --port 41900 --duration 10
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createSession, type Child } from './src/session.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const DEVICE_BIN = path.join(root, 'packages/device-app/bin/ssdp-device.js');
const CONTROLLER_BIN = path.join(root, 'packages/controller-app/bin/ssdp-controller.js');
/** Loopback, named explicitly: nothing of this demo ever leaves the machine. */
const LOOPBACK = '127.0.0.1';
/** The port the busy-port message suggests. */
const SPARE_PORT = 41900;
const DEVICE_STOP_MS = 5000;
const CONTROLLER_STOP_MS = 3000;
const USAGE = 'Usage: npm start -- [--port <n>] [--duration <s>]';

const DEVICES = [
  { name: 'Kitchen Light', type: 'urn:schemas-upnp-org:device:BinaryLight:1' },
  { name: 'Living Room TV', type: 'urn:schemas-upnp-org:device:MediaRenderer:1' },
  { name: 'Family NAS', type: 'urn:schemas-upnp-org:device:MediaServer:1' },
] as const;

// Before anything is spawned: a signal at any moment stops what exists so far. The first one asks for the
// orderly stop (byebyes); a second one kills the children and removes the folders at once.
const session = createSession();
const stopRequest = new AbortController();
let signals = 0;
const onSignal = (signal: NodeJS.Signals): void => {
  signals += 1;
  if (signals === 1) return stopRequest.abort(signal);
  session.cleanup();
  process.exit(130);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
process.on('exit', () => session.cleanup()); // the last resort, whatever else happened
let unexpected: unknown;
process.on('uncaughtException', (error) => {
  unexpected ??= error;
  stopRequest.abort('error');
});

const say = (line: string): void => void process.stdout.write(`demo: ${line}\n`);
const complain = (line: string): void => void process.stderr.write(`demo: ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stopped = new Promise<void>((resolve) =>
  stopRequest.signal.addEventListener('abort', () => resolve(), { once: true }),
);
/** Waits for `ready` unless a stop is asked for first: true once ready. */
const readyUnlessStopped = (ready: Promise<boolean>): Promise<boolean> =>
  Promise.race([ready, stopped.then(() => false)]);

function usageError(message: string): never {
  process.stderr.write(`demo: ${message}\n${USAGE}\n`);
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
    process.stdout.write(`${USAGE}\nLoopback demo: 3 ssdp-device + 1 ssdp-controller; Ctrl-C to stop.\n`);
    process.exit(0);
  }
  const port = Number(values.port ?? 1900);
  if (!Number.isInteger(port) || port < 1 || port > 65535) usageError(`--port must be 1..65535: ${values.port}`);
  const duration = values.duration === undefined ? undefined : Number(values.duration);
  if (duration !== undefined && !(duration > 0))
    usageError(`--duration must be a positive number of seconds: ${values.duration}`);
  return { port, duration };
}

/** Why startup failed, as one stderr line, and the exit code: 2 for a busy port, else 1. */
async function startupFailure(children: readonly Child[], port: number): Promise<number> {
  const failed = await Promise.race(children.map((child) => child.exited.then(() => child)));
  const lastLine = failed.stderr().trim().split('\n').at(-1) ?? '';
  if (failed.stderr().includes('SSDP_ERR_PORT_IN_USE')) {
    const spare = port === SPARE_PORT ? SPARE_PORT + 1 : SPARE_PORT;
    complain(
      `port ${port} is in use by another program (SSDP_ERR_PORT_IN_USE); try another one: npm start -- --port ${spare}`,
    );
    return 2;
  }
  complain(
    `${failed.label} exited (${failed.process.exitCode ?? failed.process.signalCode}) before it was up: ${lastLine}`,
  );
  return 1;
}

interface Cast {
  readonly controller: Child;
  devices: Child[];
  devicesUp: boolean;
}

/** Starts the controller, then the devices, and waits for a stop: Ctrl-C, --duration, or a child's exit. */
async function show(cast: Cast, port: number, duration: number | undefined): Promise<number> {
  const { controller } = cast;
  // The controller's output is the show: print it as it comes.
  controller.onLine((line) => process.stdout.write(`${line}\n`));
  if (!(await readyUnlessStopped(controller.ready(/^search-sent/)))) {
    return stopRequest.signal.aborted ? 0 : startupFailure([controller], port);
  }
  cast.devices = DEVICES.map((device, index) => {
    const stateDir = session.makeTempDir('ssdp-demo-');
    const args = [
      '--interface',
      LOOPBACK,
      '--port',
      String(port),
      '--name',
      device.name,
      '--type',
      device.type,
      '--state-dir',
      stateDir,
    ];
    return session.spawn(`device ${index + 1} (${device.name})`, DEVICE_BIN, args, root);
  });
  const allUp = Promise.all(cast.devices.map((device) => device.ready(/uuid:[0-9a-fA-F-]{36}/))).then((up) =>
    up.every(Boolean),
  );
  if (!(await readyUnlessStopped(allUp))) {
    return stopRequest.signal.aborted ? 0 : startupFailure([controller, ...cast.devices], port);
  }
  cast.devicesUp = true;
  say(
    `started ${DEVICES.map((d) => `"${d.name}"`).join(', ')}; they appear within MX (3 s), at once from their NOTIFY`,
  );
  const web = /web view at (\S+)/.exec(controller.stderr())?.[1];
  if (web !== undefined) say(`web view: open ${web} in a browser`);

  let timer: NodeJS.Timeout | undefined;
  const ended = new Promise<undefined>((resolve) => {
    if (duration !== undefined) timer = setTimeout(() => resolve(undefined), duration * 1000);
  });
  const died = Promise.race([controller, ...cast.devices].map((child) => child.exited.then(() => child)));
  const dead = await Promise.race([stopped.then(() => undefined), ended, died]);
  clearTimeout(timer);
  if (dead === undefined) return 0;
  // Exit 0 (or a signal's end) without being asked: stopped from outside, e.g. by nx stopping the task's tree.
  if ((dead.process.exitCode ?? 0) === 0) {
    say(`${dead.label} was stopped from outside; stopping the others`);
    return 0;
  }
  complain(
    `${dead.label} exited on its own (${dead.process.exitCode}): ${dead.stderr().trim().split('\n').at(-1) ?? ''}`,
  );
  return 1;
}

/** Devices first (their byebyes reach the controller, which shows them leaving), then the controller. */
async function stopAll(cast: Cast): Promise<void> {
  if (cast.devicesUp) say('stopping the devices (each sends ssdp:byebye)...');
  else if (stopRequest.signal.aborted) say('stopping (startup interrupted)');
  await session.stop(cast.devices, DEVICE_STOP_MS);
  if (cast.devicesUp) {
    await sleep(500); // let the controller print the byebyes
    say('stopping the controller');
  }
  await session.stop([cast.controller], CONTROLLER_STOP_MS);
  session.cleanup(); // the state folders
  for (const child of [cast.controller, ...cast.devices]) {
    if (child.process.signalCode === 'SIGKILL') complain(`${child.label} did not stop in time and was killed`);
  }
}

async function main(): Promise<number> {
  const { port, duration } = readArguments();
  say(`SSDP on loopback, port ${port}: one ssdp-controller, three ssdp-device processes. Ctrl-C stops them.`);
  // The controller also serves the web view, on 127.0.0.1 and a free port (printed once the devices are up).
  const controllerArgs = ['--interface', LOOPBACK, '--port', String(port), '--web', `${LOOPBACK}:0`];
  const cast: Cast = {
    controller: session.spawn('ssdp-controller', CONTROLLER_BIN, controllerArgs, root),
    devices: [],
    devicesUp: false,
  };
  let code: number;
  try {
    code = await show(cast, port, duration);
  } finally {
    await stopAll(cast);
  }
  if (unexpected !== undefined) {
    complain(`unexpected error: ${String(unexpected)}`);
    return 1;
  }
  const failed = [cast.controller, ...cast.devices].filter((child) => (child.process.exitCode ?? 0) !== 0);
  if (code === 0)
    for (const child of failed)
      complain(`${child.label} exited with ${child.process.exitCode}: ${child.stderr().trim()}`);
  return code !== 0 ? code : failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    complain(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
