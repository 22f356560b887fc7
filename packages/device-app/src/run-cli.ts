import {
  createDevice,
  InvalidOptionError,
  parseConfigFile,
  type DescriptionServer,
  type DeviceConfig,
  type DeviceOptions,
  type StateStore,
} from '@ssdp/device';
import type { Clock, SsdpTransport, TransportOptions } from '@ssdp/transport';
import { parseCliArguments, usage, UsageError, type CliArguments } from './cli-arguments.ts';
import { createOutput, outputInterest } from './output.ts';
import { version } from './version.ts';

export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
}

/** The outside world of a run: real in main.ts, in-memory in tests. */
export interface CliRuntime {
  readonly clock: Clock;
  readonly random: () => number;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homedir: string;
  readonly os: { readonly type: string; readonly release: string; readonly hostname: string };
  readFile(path: string): Promise<string>;
  createTransport(options: TransportOptions): SsdpTransport;
  createStateStore(directory: string): StateStore;
  createDescriptionServer(init: { readonly port: number; readonly serverHeader: string }): DescriptionServer;
  /** Calls `listener` once the process is asked to stop (first SIGINT/SIGTERM, or an unexpected error: see
   * process-entry.ts), at once if it already was. Returns an unsubscribe. */
  onStopSignal(listener: (signal: string) => void): () => void;
}

export const LOOPBACK_HINT =
  'ssdp-device: listening on loopback only; use --interface all (or a name/address) to use the LAN';

/** A startup error as one line: TransportError has its own (with a hint); the others are a message. */
function oneLine(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'toOneLine' in error && typeof error.toOneLine === 'function') {
    return String(error.toOneLine());
  }
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
}

async function loadConfig(args: CliArguments, runtime: CliRuntime): Promise<DeviceConfig> {
  let device: DeviceConfig = {};
  if (args.config !== undefined) {
    let source: string;
    try {
      source = await runtime.readFile(args.config);
    } catch (error) {
      const code = (error as { code?: unknown })?.code;
      throw new UsageError(`config ${args.config}: cannot read (${typeof code === 'string' ? code : String(error)})`);
    }
    const parsed = parseConfigFile(source, args.config);
    if (!parsed.ok) throw new UsageError(parsed.message);
    device = parsed.config.device;
  }
  return {
    ...device,
    ...(args.name === undefined ? {} : { friendlyName: args.name }),
    ...(args.type === undefined ? {} : { deviceType: args.type }),
  };
}

/** Runs the ssdp-device command line and returns the exit code: 0 ok, 2 usage or startup error. */
export async function runCli(argv: readonly string[], io: CliIo, runtime?: CliRuntime): Promise<number> {
  let args: CliArguments;
  try {
    args = parseCliArguments(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`ssdp-device: ${error.message} (see --help)`);
      return 2;
    }
    throw error;
  }
  if (args.help) {
    io.stdout(usage.trimEnd());
    return 0;
  }
  if (args.version) {
    io.stdout(version);
    return 0;
  }
  if (runtime === undefined) {
    io.stderr('ssdp-device: no runtime to run the device with');
    return 2;
  }

  let config: DeviceConfig;
  try {
    config = await loadConfig(args, runtime);
  } catch (error) {
    io.stderr(`ssdp-device: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }

  const options: DeviceOptions = {
    ...config,
    ...(args.interfaces.length === 0 ? {} : { interfaces: args.interfaces }),
    profile: args.profile,
    ...(args.port === undefined ? {} : { port: args.port }),
    count: args.count,
    ...(args.uuid === undefined ? {} : { uuid: args.uuid }),
    maxAge: args.maxAge,
    httpPort: args.httpPort,
    ...(args.stateDir === undefined ? {} : { stateDir: args.stateDir }),
    ...(args.broadcast === undefined ? {} : { broadcastAddress: args.broadcast }),
    ...(args.ttl === undefined ? {} : { multicastTtl: args.ttl }),
    ...(args.recvBuffer === undefined ? {} : { recvBufferSize: args.recvBuffer }),
    rawMessages: args.verbose,
    httpLimits: {
      ...(args.httpPerSource === undefined ? {} : { maxConnectionsPerSource: args.httpPerSource }),
      ...(args.httpMaxConnections === undefined ? {} : { maxConnections: args.httpMaxConnections }),
    },
    limits: {
      allowOffLink: args.allowOffLink,
      ...(args.sourceRate === undefined ? {} : { sourceRatePerSecond: args.sourceRate }),
      ...(args.sourceBurst === undefined ? {} : { sourceBurst: args.sourceBurst }),
      ...(args.responseRate === undefined ? {} : { responseRatePerSecond: args.responseRate }),
      ...(args.maxPending === undefined ? {} : { maxPendingResponses: args.maxPending }),
      ...(args.maxAmplification === undefined ? {} : { amplificationRatio: args.maxAmplification }),
    },
  };
  let device;
  try {
    device = createDevice(options, {
      createTransport: runtime.createTransport,
      clock: runtime.clock,
      random: runtime.random,
      createStateStore: runtime.createStateStore,
      createDescriptionServer: runtime.createDescriptionServer,
      host: { ...runtime.os, homedir: runtime.homedir, env: runtime.env },
      interest: outputInterest({ json: args.json, verbose: args.verbose }),
    });
  } catch (error) {
    if (!(error instanceof InvalidOptionError)) throw error;
    io.stderr(`ssdp-device: config ${error.option}: ${error.detail}`);
    return 2;
  }
  device.on('event', createOutput({ json: args.json, verbose: args.verbose, stdout: io.stdout, stderr: io.stderr }));

  let requestStop!: (reason: string) => void;
  const stopRequested = new Promise<string>((resolve) => (requestStop = resolve));
  const unsubscribe = runtime.onStopSignal((signal) => requestStop(signal));
  const timer =
    args.durationSeconds === undefined
      ? undefined
      : runtime.clock.setTimeout(() => requestStop('duration'), args.durationSeconds * 1000);
  try {
    try {
      await device.start();
    } catch (error) {
      io.stderr(`ssdp-device: ${oneLine(error)}`);
      return 2;
    }
    if (args.interfaces.length === 0) io.stderr(LOOPBACK_HINT);
    await device.stop(await stopRequested);
    return 0;
  } finally {
    unsubscribe();
    if (timer !== undefined) runtime.clock.clearTimeout(timer);
  }
}
