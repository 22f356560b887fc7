import {
  createDevice,
  InvalidOptionError,
  parseConfigFile,
  type DescriptionServer,
  type DeviceConfig,
  type DeviceOptions,
  type StateStore,
} from '@ssdp/device';
import { EXIT_OK, readCommandLine, reportFailure, type CliIo } from '@ssdp/cli-kit';
import type { Clock } from '@ssdp/runtime';
import type { SsdpTransport, TransportOptions } from '@ssdp/transport';
import { parseCliArguments, usage, type CliArguments } from './cli-arguments.ts';
import { createOutput, outputInterest } from './output.ts';
import { version } from './version.ts';

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
   * @ssdp/cli-kit's runProcess), at once if it already was. Returns an unsubscribe. */
  onStopSignal(listener: (signal: string) => void): () => void;
}

const PROGRAM = 'ssdp-device';
export const LOOPBACK_HINT =
  'ssdp-device: listening on loopback only; use --interface all (or a name/address) to use the LAN';

async function loadConfig(args: CliArguments, runtime: CliRuntime): Promise<DeviceConfig> {
  let device: DeviceConfig = {};
  if (args.config !== undefined) {
    let source: string;
    try {
      source = await runtime.readFile(args.config);
    } catch (error) {
      const code = (error as { code?: unknown })?.code;
      throw new Error(`config ${args.config}: cannot read (${typeof code === 'string' ? code : String(error)})`, {
        cause: error,
      });
    }
    const parsed = parseConfigFile(source, args.config);
    if (!parsed.ok) throw new Error(parsed.message);
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
  const args = readCommandLine({ program: PROGRAM, usage, version, parse: parseCliArguments }, argv, io);
  if (typeof args === 'number') return args;
  if (runtime === undefined) return reportFailure(PROGRAM, 'no runtime to run the device with', io.stderr);

  let config: DeviceConfig;
  try {
    config = await loadConfig(args, runtime);
  } catch (error) {
    return reportFailure(PROGRAM, error, io.stderr);
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
    return reportFailure(PROGRAM, `config ${error.option}: ${error.detail}`, io.stderr);
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
      return reportFailure(PROGRAM, error, io.stderr);
    }
    if (args.interfaces.length === 0) io.stderr(LOOPBACK_HINT);
    await device.stop(await stopRequested);
    return EXIT_OK;
  } finally {
    unsubscribe();
    if (timer !== undefined) runtime.clock.clearTimeout(timer);
  }
}
