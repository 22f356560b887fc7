import type { ParseArgsConfig } from 'node:util';
import {
  broadcastFlag,
  byteSizeFlag,
  integerFlag,
  interfacesFlag,
  parseArgumentTable,
  profileFlag,
  secondsFlag,
  stringFlag,
  UsageError,
  type FlagValues,
} from '@ssdp/cli-kit';
import { MAX_31_BIT, parseSearchTarget } from '@ssdp/protocol';
import { RECEIVE_BUFFER_SIZE_MAX } from '@ssdp/transport';
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

/** The longest --interval or --duration: a timer's delay is a 31-bit count of milliseconds. */
const MAX_SECONDS = MAX_31_BIT / 1000;

function integer(values: FlagValues, name: string, min: number, max: number, fallback: number): number {
  return integerFlag(name, values[name], min, max) ?? fallback;
}

/** Parses argv (without node and the script). Throws UsageError, never anything else, on bad input. */
export function parseCliArguments(argv: readonly string[]): CliArguments {
  const values = parseArgumentTable(argv, options);
  const profile = profileFlag(values['profile']);
  const broadcast = broadcastFlag(values['broadcast'], profile);
  const target = stringFlag(values, 'target') ?? 'ssdp:all';
  if (!parseSearchTarget(target).ok)
    throw new UsageError(`--target: expected a search target, got ${JSON.stringify(target)}`);
  const interfaces = interfacesFlag(values['interface']);
  const once = values['once'] === true;
  const json = values['json'] === true;
  const watch = values['watch'] === true;
  const duration = secondsFlag('duration', values['duration'], MAX_SECONDS);
  if (once && duration !== undefined) throw new UsageError('--once and --duration do not go together');
  if (watch && (json || once)) throw new UsageError('--watch does not go with --json or --once');
  if (values['web'] !== undefined && (once || values['from-mqtt'] !== undefined))
    throw new UsageError('--web does not go with --once or --from-mqtt');
  return {
    help: values['help'] === true,
    version: values['version'] === true,
    interfaces,
    profile,
    port: integer(values, 'port', 1, 65535, profile === 'legacy' ? 1337 : 1900),
    broadcast,
    interval: secondsFlag('interval', values['interval'], MAX_SECONDS) ?? 10,
    mx: integer(values, 'mx', 1, 120, 3),
    target,
    once,
    duration,
    json,
    watch,
    describe: values['no-describe'] !== true,
    allowForeignLocation: values['allow-foreign-location'] === true,
    maxDevices: integer(values, 'max-devices', 1, 10_000_000, 10_000),
    describePerSender: integer(values, 'describe-per-sender', 1, 8, 4),
    recvBuffer: byteSizeFlag('recv-buffer', values['recv-buffer'], RECEIVE_BUFFER_SIZE_MAX),
    verbose: values['verbose'] === true,
    mqtt: parseMqttArguments(values, once, (message) => {
      throw new UsageError(message);
    }),
    web: parseWebArgument(stringFlag(values, 'web'), (message) => {
      throw new UsageError(message);
    }),
  };
}
