import {
  createControlPoint,
  InvalidOptionError,
  type ControlPoint,
  type ControlPointEvent,
  type HttpGet,
} from '@ssdp/control-point';
import { EXIT_OK, readCommandLine, reportFailure, UsageError, type CliIo } from '@ssdp/cli-kit';
import type { Clock } from '@ssdp/runtime';
import type { SsdpTransport, TransportOptions } from '@ssdp/transport';
import { parseCliArguments, usage, type CliArguments } from './cli-arguments.ts';
import type { CliMqttComponents } from './mqtt-cli.ts';
import type { CliMqttPublisher } from './mqtt-publish.ts';
import { createEventPrinter } from './output.ts';
import { statsEvent, statsLine } from './stats-output.ts';
import { version } from './version.ts';
import { createWatchView, type WatchView } from './watch-view.ts';
import type { CliWebView } from './web-view-cli.ts';

/** What the command line runs on; main.ts passes the real ones, tests a MemoryNetwork and fake timers. */
export interface CliComponents {
  readonly createTransport: (options: TransportOptions) => SsdpTransport;
  readonly clock: Clock;
  readonly random: () => number;
  /** Default: the library's (Node's fetch, loaded before the first search). */
  readonly httpGet?: HttpGet;
  /** Aborted on SIGINT/SIGTERM: the controller stops and runCli resolves. */
  readonly shutdown?: AbortSignal;
  /** For SERVER-like USER-AGENT: os.type() and os.release(). */
  readonly os?: { readonly type: string; readonly release: string };
  /** --mqtt / --from-mqtt: the broker client and the environment (credentials). Default MQTT.js, process.env. */
  readonly mqtt?: CliMqttComponents;
}

const PROGRAM = 'ssdp-controller';
const LOOPBACK_HINT = `${PROGRAM}: listening on loopback only; use --interface all (or a name/address) to use the LAN`;

/** Resolves after `ms`, or as soon as `signal` aborts. */
function wait(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const timer = clock.setTimeout(finish, ms);
    signal?.addEventListener('abort', finish, { once: true });
    function finish() {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      resolve();
    }
  });
}

function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal === undefined) return; // runs until the process is killed
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Runs the ssdp-controller command line and returns the exit code: 0 ok, 1 nothing found (--once), 2 error. */
export async function runCli(argv: readonly string[], io: CliIo, components?: CliComponents): Promise<number> {
  const args = readCommandLine({ program: PROGRAM, usage, version, parse: parseCliArguments }, argv, io);
  if (typeof args === 'number') return args;
  try {
    return await run(args, io, components ?? (await import('./system-components.ts')).createSystemComponents());
  } catch (error) {
    // Startup errors are expected here (port in use, unknown interface ...): one line, no stack trace.
    return reportFailure(PROGRAM, error, io.stderr);
  }
}

/** One stderr line for a --once that found nothing: what was searched, for how long, where. */
function nothingFound(args: CliArguments): string {
  const where =
    args.interfaces.length === 0 ? 'loopback only (use --interface all for the LAN)' : args.interfaces.join(', ');
  return `${PROGRAM}: no device answered ${args.target} within ${args.mx + 0.25} s (MX ${args.mx} + 0.25 s) on ${where}`;
}

async function run(args: CliArguments, io: CliIo, components: CliComponents): Promise<number> {
  const { clock, shutdown } = components;
  // The MQTT client and the web view load only when asked for: a plain run starts without them.
  if (args.mqtt?.mode === 'view')
    return (await import('./from-mqtt.ts')).runFromMqtt({ ...args, mqtt: args.mqtt }, io, components);
  let watch: WatchView | undefined;
  const printer = createEventPrinter({ json: args.json, verbose: args.verbose, once: args.once }, (line) =>
    io.stdout(line),
  );
  const onEvent = (event: ControlPointEvent) => (watch === undefined ? printer(event) : watch.onEvent(event));

  let controller: ControlPoint;
  try {
    controller = createControlPoint(
      {
        profile: args.profile,
        target: args.target,
        mx: args.mx,
        intervalMs: args.interval * 1000,
        ...(args.once ? { cycles: 1 } : {}),
        port: args.port,
        ...(args.interfaces.length === 0 ? {} : { interfaces: args.interfaces }),
        ...(args.broadcast === undefined ? {} : { broadcastAddress: args.broadcast }),
        describe: args.describe,
        allowForeignLocation: args.allowForeignLocation,
        // The web view keeps each device's last datagrams for its details panel.
        rawMessages: args.verbose || args.web !== undefined,
        maxDevices: args.maxDevices,
        describePerSender: args.describePerSender,
        ...(args.recvBuffer === undefined ? {} : { recvBufferSize: args.recvBuffer }),
      },
      {
        createTransport: components.createTransport,
        clock,
        random: components.random,
        ...(components.httpGet === undefined ? {} : { httpGet: components.httpGet }),
        ...(components.os === undefined ? {} : { os: components.os }),
      },
    );
  } catch (error) {
    if (error instanceof InvalidOptionError) throw new UsageError(error.message);
    throw error;
  }
  controller.on('event', onEvent);
  controller.on('warning', (line) => io.stderr(`${PROGRAM}: ${line}`));
  const mqtt: CliMqttPublisher | undefined =
    args.mqtt === undefined
      ? undefined
      : (await import('./mqtt-publish.ts')).startMqttPublisher(
          args.mqtt,
          controller,
          { json: args.json, event: (e) => io.stdout(JSON.stringify(e)), log: (line) => io.stderr(line) },
          components.mqtt,
        );

  const terminal = io.terminal;
  if (args.watch && terminal !== undefined) {
    watch = createWatchView(
      { ...(terminal.columns === undefined ? {} : { columns: terminal.columns }) },
      { clock, devices: () => controller.devices(), write: (text) => terminal.write(text) },
    );
  }

  const web: CliWebView | undefined =
    args.web === undefined
      ? undefined
      : await (await import('./web-view-cli.ts')).startWebView(args.web, controller).catch(async (error: unknown) => {
          await mqtt?.close();
          throw error;
        });
  await controller.start().catch(async (error: unknown) => {
    await web?.close();
    await mqtt?.close();
    throw error;
  });
  // After a successful start, so a startup error stays the only line.
  if (args.interfaces.length === 0) io.stderr(LOOPBACK_HINT);
  for (const line of web?.messages ?? []) io.stderr(`${PROGRAM}: ${line}`);
  if (watch !== undefined) {
    terminal?.write('\x1b[2J');
    watch.render();
  }

  try {
    if (args.once) {
      // One cycle: both sends, listen MX + 0.25 s, let every description finish (each has its own deadline).
      let found;
      try {
        found = await controller.collect(shutdown === undefined ? {} : { signal: shutdown });
      } catch (error) {
        if (shutdown?.aborted === true) return 130;
        throw error;
      }
      if (found.length === 0) io.stderr(nothingFound(args));
      return found.length > 0 ? 0 : 1;
    }
    const running = args.duration !== undefined ? wait(clock, args.duration * 1000, shutdown) : untilAborted(shutdown);
    // A broker that refuses the credentials or the certificate ends the run: one line, exit 2.
    await (mqtt === undefined ? running : Promise.race([running, mqtt.failed]));
    return EXIT_OK;
  } finally {
    watch?.stop();
    await web?.close();
    const mqttStatus = mqtt?.status(); // as it was during the run, before close()
    if (args.verbose)
      io.stderr(`${statsLine(PROGRAM, controller.stats)}${mqtt === undefined ? '' : `, ${mqtt.statsPart()}`}`);
    await mqtt?.close();
    await controller.stop();
    // The last --json line, --once included: the counters, with what the kernel dropped (kept after stop).
    if (args.json)
      io.stdout(
        JSON.stringify({
          ...statsEvent(controller.stats, clock.now()),
          ...(mqttStatus === undefined ? {} : { mqtt: mqttStatus }),
        }),
      );
  }
}
