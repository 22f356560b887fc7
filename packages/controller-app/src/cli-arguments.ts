import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isIPv4 } from 'node:net';
import { parseSearchTarget } from '@ssdp/protocol';
import { mqttOptions, mqttUsage, parseMqttArguments, type MqttArguments } from './mqtt-arguments.ts';
import { parseWebArgument, webOptions, webUsage, type WebArguments } from './web-view-cli.ts';

/** The ssdp-controller argument table. Kept apart from main.ts so it can be tested and read on its own. */
export const options = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
  interface: { type: 'string', short: 'i', multiple: true },
  profile: { type: 'string' },
  port: { type: 'string', short: 'p' },
  broadcast: { type: 'string' },
  interval: { type: 'string' },
  mx: { type: 'string' },
  target: { type: 'string', short: 't' },
  once: { type: 'boolean' },
  duration: { type: 'string' },
  json: { type: 'boolean' },
  watch: { type: 'boolean', short: 'w' },
  'no-describe': { type: 'boolean' },
  'allow-foreign-location': { type: 'boolean' },
  'max-devices': { type: 'string' },
  'describe-per-sender': { type: 'string' },
  'recv-buffer': { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  ...mqttOptions,
  ...webOptions,
} as const satisfies ParseArgsConfig['options'];

export const usage = `Usage: ssdp-controller [options]

A UPnP control point: searches every --interval seconds, listens for NOTIFY at the same time, and prints
every device that appears, changes, reboots or leaves.

Options:
  -i, --interface <name|address|all>  interface to use; repeatable (default: loopback only)
      --profile <upnp|legacy>         wire dialect (default upnp; legacy = the Python prototype's)
  -p, --port <n>                      SSDP port (default 1900; legacy 1337)
      --broadcast <address>           legacy only: broadcast address to search (default: the interface's)
      --interval <s>                  seconds between searches (default 10)
      --mx <s>                        MX of the search, 1..120 (default 3; devices clamp above 5)
  -t, --target <ST>                   search target (default ssdp:all)
      --once                          search once, listen MX + 0.25 s, list the devices found and exit:
                                      0 if at least one device was found, 1 if none, 2 on error
      --duration <s>                  run for s seconds, then exit 0
      --json                          NDJSON on stdout, one event per line
  -w, --watch                         live table in a terminal (lines without one)
      --no-describe                   do not fetch the LOCATION descriptions
      --allow-foreign-location        fetch a LOCATION even when its host is not the sender
      --max-devices <n>               registry bound; the least recently seen is evicted (default 10000)
      --describe-per-sender <n>       description fetches at once per sender address, 1..8 (default 4)
      --recv-buffer <bytes>           receive buffer to ask for per socket, e.g. 8M (default 4M); Linux caps
                                      it at net.core.rmem_max (said once on stderr, with the sysctl)
  -v, --verbose                       print every message received, as the prototype did
${mqttUsage}${webUsage}  -h, --help                          show this help and exit
  -V, --version                       print the version and exit

Events (--json field "event"): search-sent, device-added, device-updated, device-rebooted,
device-removed (reason byebye | expired | evicted), device-found (--once), describe-failed, dropped;
mqtt-state (--mqtt, --from-mqtt), site-status (--from-mqtt); stats (the last line, --once included: the
counters with kernelDrops and receiveBuffer).
Logs go to stderr.
`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CliArguments {
  help: boolean;
  version: boolean;
  interfaces: string[];
  profile: 'upnp' | 'legacy';
  port: number;
  broadcast: string | undefined;
  /** Seconds. */
  interval: number;
  mx: number;
  target: string;
  once: boolean;
  /** Seconds, or undefined to run until a signal. */
  duration: number | undefined;
  json: boolean;
  watch: boolean;
  describe: boolean;
  allowForeignLocation: boolean;
  maxDevices: number;
  /** Description fetches at once per sender address. */
  describePerSender: number;
  /** --recv-buffer in bytes; undefined: the library's default (4 MiB). */
  recvBuffer: number | undefined;
  verbose: boolean;
  /** --mqtt (publish) or --from-mqtt (view), with --site, --mqtt-topic, --mqtt-ca. */
  mqtt: MqttArguments | undefined;
  /** --web [HOST:]PORT: serve the live web view. */
  web: WebArguments | undefined;
}

function stringOf(values: Record<string, unknown>, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

function integer(raw: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer in ${min}..${max}: ${JSON.stringify(raw)}`);
  }
  return value;
}

/** RECEIVE_BUFFER_SIZE_MAX of @ssdp/transport: Linux stores twice the request in an int. */
const MAX_RECV_BUFFER = 512 * 1024 * 1024;

/** Bytes, with an optional K or M suffix (KiB, MiB): 4194304, 4096K, 4M. */
function bytes(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const match = /^(\d+)([kKmM]?)$/.exec(raw.trim());
  const value =
    match === null ? Number.NaN : Number(match[1]) * (match[2] === '' ? 1 : /k/i.test(match[2]!) ? 1024 : 1024 * 1024);
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_RECV_BUFFER) {
    throw new UsageError(
      `--${name} must be a size in bytes from 1 to 512M (K and M suffixes allowed): ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

function seconds(raw: string | undefined, name: string, fallback: number | undefined): number | undefined {
  if (raw === undefined) return fallback;
  const value = /^\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isFinite(value) || value <= 0 || value > 31_536_000) {
    throw new UsageError(`--${name} must be a positive number of seconds: ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Parses argv (without node and the script). Throws UsageError, never anything else, on bad input. */
export function parseCliArguments(argv: readonly string[]): CliArguments {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const profileRaw = stringOf(values, 'profile') ?? 'upnp';
  if (profileRaw !== 'upnp' && profileRaw !== 'legacy') {
    throw new UsageError(`--profile must be upnp or legacy: ${JSON.stringify(profileRaw)}`);
  }
  const profile = profileRaw;
  const broadcast = stringOf(values, 'broadcast');
  if (broadcast !== undefined && profile !== 'legacy') throw new UsageError('--broadcast needs --profile legacy');
  if (broadcast !== undefined && !isIPv4(broadcast))
    throw new UsageError(`--broadcast must be an IPv4 address: ${JSON.stringify(broadcast)}`);
  const target = stringOf(values, 'target') ?? 'ssdp:all';
  if (!parseSearchTarget(target).ok) throw new UsageError(`--target is not a search target: ${JSON.stringify(target)}`);
  const interfaces = (values['interface'] as string[] | undefined) ?? [];
  if (interfaces.some((value) => value.trim() === ''))
    throw new UsageError('--interface needs a name, an address or all');
  const once = values['once'] === true;
  const json = values['json'] === true;
  const watch = values['watch'] === true;
  const duration = seconds(stringOf(values, 'duration'), 'duration', undefined);
  if (once && duration !== undefined) throw new UsageError('--once and --duration do not go together');
  if (watch && (json || once)) throw new UsageError('--watch does not go with --json or --once');
  if (values['web'] !== undefined && (once || values['from-mqtt'] !== undefined))
    throw new UsageError('--web does not go with --once or --from-mqtt');
  return {
    help: values['help'] === true,
    version: values['version'] === true,
    interfaces,
    profile,
    port: integer(stringOf(values, 'port'), 'port', 1, 65535, profile === 'legacy' ? 1337 : 1900),
    broadcast,
    interval: seconds(stringOf(values, 'interval'), 'interval', 10)!,
    mx: integer(stringOf(values, 'mx'), 'mx', 1, 120, 3),
    target,
    once,
    duration,
    json,
    watch,
    describe: values['no-describe'] !== true,
    allowForeignLocation: values['allow-foreign-location'] === true,
    maxDevices: integer(stringOf(values, 'max-devices'), 'max-devices', 1, 10_000_000, 10_000),
    describePerSender: integer(stringOf(values, 'describe-per-sender'), 'describe-per-sender', 1, 8, 4),
    recvBuffer: bytes(stringOf(values, 'recv-buffer'), 'recv-buffer'),
    verbose: values['verbose'] === true,
    mqtt: parseMqttArguments(values, once, (message) => {
      throw new UsageError(message);
    }),
    web: parseWebArgument(stringOf(values, 'web'), (message) => {
      throw new UsageError(message);
    }),
  };
}
