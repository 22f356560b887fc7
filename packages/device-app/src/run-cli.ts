import { SsdpError } from '@ssdp/protocol';
import { TransportError, type Clock, type SsdpTransport, type TransportOptions } from '@ssdp/transport';
import { parseCliArguments, usage, UsageError, type CliArguments } from './cli-arguments.ts';
import { DescriptionServerError, type DescriptionServer } from './description-server.ts';
import { parseConfigFile, type DeviceConfig } from './device-config.ts';
import { DEFAULT_MAX_AGE, LEGACY_PORT, createDevice } from './device.ts';
import { createOutput, outputInterest } from './output.ts';
import { serverHeader } from './server-header.ts';
import { StateStoreError, defaultStateDir, type StateStore } from './state-store.ts';
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
  /** Calls `listener` on the first SIGINT/SIGTERM (main.ts exits at once on the second). Returns an unsubscribe. */
  onStopSignal(listener: (signal: string) => void): () => void;
}

export const LOOPBACK_HINT = 'ssdp-device: listening on loopback only; use --interface all (or a name/address) to use the LAN';

function oneLine(error: unknown): string {
  if (error instanceof TransportError) return error.toOneLine();
  if (error instanceof StateStoreError || error instanceof DescriptionServerError) return error.message;
  if (error instanceof SsdpError) return `device: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
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
    const parsed = parseConfigFile(source);
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

  const legacy = args.profile === 'legacy';
  const port = args.port ?? (legacy ? LEGACY_PORT : 1900);
  const server = serverHeader(runtime.os);
  const transport = runtime.createTransport({
    ...(args.interfaces.length === 0 ? {} : { interfaces: args.interfaces }),
    port,
    ...(legacy ? { broadcast: true, joinGroup: false, families: ['IPv4'] } : {}),
    ...(args.ttl === undefined ? {} : { multicastTtl: args.ttl }),
  });
  const stateDir = args.stateDir ?? defaultStateDir(runtime.env, runtime.homedir);
  const device = createDevice(
    {
      profile: args.profile,
      port,
      config,
      count: args.count,
      ...(args.uuid === undefined ? {} : { uuid: args.uuid }),
      maxAge: args.maxAge ?? DEFAULT_MAX_AGE,
      ...(args.broadcast === undefined ? {} : { broadcastAddress: args.broadcast }),
      server,
      defaults: { friendlyName: `ssdp-device on ${runtime.os.hostname}`, modelNumber: version },
      limits: {
        allowOffLink: args.allowOffLink,
        ...(args.sourceRate === undefined ? {} : { sourceRatePerSecond: args.sourceRate }),
        ...(args.sourceBurst === undefined ? {} : { sourceBurst: args.sourceBurst }),
        ...(args.responseRate === undefined ? {} : { responseRatePerSecond: args.responseRate }),
        ...(args.maxPending === undefined ? {} : { maxPendingResponses: args.maxPending }),
        ...(args.maxAmplification === undefined ? {} : { amplificationRatio: args.maxAmplification }),
      },
    },
    {
      transport,
      clock: runtime.clock,
      random: runtime.random,
      stateStore: runtime.createStateStore(stateDir),
      descriptionServer: runtime.createDescriptionServer({ port: args.httpPort, serverHeader: server }),
      onEvent: createOutput({ json: args.json, verbose: args.verbose, stdout: io.stdout, stderr: io.stderr }),
      interest: outputInterest({ json: args.json, verbose: args.verbose }),
    },
  );

  let requestStop!: (reason: string) => void;
  const stopRequested = new Promise<string>((resolve) => (requestStop = resolve));
  const unsubscribe = runtime.onStopSignal((signal) => requestStop(signal));
  const timer =
    args.durationSeconds === undefined ? undefined : runtime.clock.setTimeout(() => requestStop('duration'), args.durationSeconds * 1000);
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
