import { formatProductTokens } from '@ssdp/protocol';
import { isTransportError, type Clock, type SsdpTransport, type TransportOptions } from '@ssdp/transport';
import { parseCliArguments, usage, UsageError, type CliArguments } from './cli-arguments.ts';
import { controllerTransportOptions, createController, type Controller } from './controller.ts';
import { createHttpDescriptionFetcher, DEFAULT_DESCRIBE_TIMEOUT_MS } from './description-fetcher.ts';
import type { ControllerEvent } from './events.ts';
import type { HttpGet } from './http-get.ts';
import { createEventPrinter } from './output.ts';
import { version } from './version.ts';
import { createWatchView, type WatchView } from './watch-view.ts';

export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Raw stdout for --watch (no newline added); without it --watch falls back to lines. */
  terminal?: { write(text: string): void; readonly columns?: number };
}

/** What the command line runs on; main.ts passes the real ones, tests a MemoryNetwork and fake timers. */
export interface CliComponents {
  readonly createTransport: (options: TransportOptions) => SsdpTransport;
  readonly clock: Clock;
  readonly random: () => number;
  readonly httpGet: HttpGet;
  /** Loads the HTTP client behind httpGet (main.ts: Node's lazily loaded fetch); called before the first search. */
  readonly preloadHttp?: () => void;
  /** Aborted on SIGINT/SIGTERM: the controller stops and runCli resolves. */
  readonly shutdown?: AbortSignal;
  /** For SERVER-like USER-AGENT: os.type() and os.release(). */
  readonly os?: { readonly type: string; readonly release: string };
}

const PROGRAM = 'ssdp-controller';
const LOOPBACK_HINT = `${PROGRAM}: listening on loopback only; use --interface all (or a name/address) to use the LAN`;

function productPart(value: string): string {
  const cleaned = value.replace(/[\s,()/]+/g, '_');
  return cleaned === '' ? 'unknown' : cleaned;
}

function userAgentOf(os: CliComponents['os']): string {
  return formatProductTokens({
    os: { name: productPart(os?.type ?? 'Node.js'), version: productPart(os?.release ?? process.versions.node) },
    product: { name: PROGRAM, version },
  });
}

/** Resolves after `ms` on the controller's scheduler, or as soon as `signal` aborts. */
function wait(controller: Controller, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const task = controller.scheduler.schedule(ms, finish);
    signal?.addEventListener('abort', finish, { once: true });
    function finish() {
      controller.scheduler.cancel(task);
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

function statsLine(controller: Controller): string {
  const s = controller.stats;
  const dropped = Object.entries(s.dropped)
    .map(([reason, count]) => `${reason}=${count}`)
    .join(' ');
  return (
    `${PROGRAM}: ${s.datagrams} datagrams, ${s.searchesSent} searches sent, ${s.ignored} searches ignored, ` +
    `${s.evicted} evicted, ${s.describeStarted} descriptions (${s.describeFailed} failed), dropped: ${dropped === '' ? 'none' : dropped}`
  );
}

/** Runs the ssdp-controller command line and returns the exit code: 0 ok, 1 nothing found (--once), 2 error. */
export async function runCli(argv: readonly string[], io: CliIo, components?: CliComponents): Promise<number> {
  let args: CliArguments;
  try {
    args = parseCliArguments(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${PROGRAM}: ${error.message} (see --help)`);
      return 2;
    }
    throw error;
  }
  if (args.version) {
    io.stdout(version);
    return 0;
  }
  if (args.help) {
    io.stdout(usage.trimEnd());
    return 0;
  }
  try {
    return await run(args, io, components ?? (await import('./system-components.ts')).createSystemComponents());
  } catch (error) {
    // Startup errors are expected here (port in use, unknown interface ...): one line, no stack trace.
    const message = isTransportError(error) ? error.toOneLine() : error instanceof Error ? error.message : String(error);
    io.stderr(`${PROGRAM}: ${message.replace(/\s*\n\s*/g, ' ')}`);
    return 2;
  }
}

async function run(args: CliArguments, io: CliIo, components: CliComponents): Promise<number> {
  const { clock, shutdown } = components;
  const userAgent = userAgentOf(components.os);
  const transport = components.createTransport(
    controllerTransportOptions({ profile: args.profile, port: args.port, interfaces: args.interfaces }),
  );
  const fetcher = args.describe
    ? createHttpDescriptionFetcher(
        { allowForeignLocation: args.allowForeignLocation, userAgent, timeoutMs: DEFAULT_DESCRIBE_TIMEOUT_MS },
        { clock, httpGet: components.httpGet, ...(components.preloadHttp === undefined ? {} : { preloadHttp: components.preloadHttp }) },
      )
    : undefined;

  let watch: WatchView | undefined;
  const printer = createEventPrinter({ json: args.json, verbose: args.verbose, once: args.once }, (line) => io.stdout(line));
  const onEvent = (event: ControllerEvent) => (watch === undefined ? printer(event) : watch.onEvent(event));

  const controller = createController(
    {
      profile: args.profile,
      target: args.target,
      mx: args.mx,
      intervalMs: args.interval * 1000,
      ...(args.once ? { cycles: 1 } : {}),
      port: args.port,
      ...(args.broadcast === undefined ? {} : { broadcast: args.broadcast }),
      describe: args.describe,
      verbose: args.verbose,
      userAgent,
      registry: { maxDevices: args.maxDevices },
      describePerSender: args.describePerSender,
    },
    {
      transport,
      clock,
      random: components.random,
      ...(fetcher === undefined ? {} : { fetcher }),
      onEvent,
      onLog: (line) => io.stderr(`${PROGRAM}: ${line}`),
    },
  );

  const terminal = io.terminal;
  if (args.watch && terminal !== undefined) {
    watch = createWatchView(
      { ...(terminal.columns === undefined ? {} : { columns: terminal.columns }) },
      { clock, devices: () => controller.devices(), write: (text) => terminal.write(text) },
    );
  }

  try {
    await controller.start();
  } catch (error) {
    await controller.stop().catch(() => undefined);
    throw error;
  }
  // After a successful start, so a startup error stays the only line.
  if (args.interfaces.length === 0) io.stderr(LOOPBACK_HINT);
  if (watch !== undefined) {
    terminal?.write('\x1b[2J');
    watch.render();
  }

  try {
    if (args.once) {
      // One cycle: both sends, then listen MX + 1 s from the first one, then let every description finish. Each
      // fetch has its own deadline and the queue is bounded, so the drain is bounded too; the extra guard (the
      // drain bound plus 1 s) only protects against a stuck fetch implementation.
      await wait(controller, args.mx * 1000 + 1000, shutdown);
      if (shutdown?.aborted === true) return 130;
      controller.settle();
      const guardMs = controller.describeDrainBoundMs(DEFAULT_DESCRIBE_TIMEOUT_MS) + 1000;
      await Promise.race([controller.whenDescribed(), wait(controller, guardMs, shutdown)]);
      controller.reportFound();
      return controller.devices().length > 0 ? 0 : 1;
    }
    if (args.duration !== undefined) await wait(controller, args.duration * 1000, shutdown);
    else await untilAborted(shutdown);
    return 0;
  } finally {
    watch?.stop();
    if (args.verbose) io.stderr(statsLine(controller));
    await controller.stop();
  }
}
