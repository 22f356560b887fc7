import type { ParseArgsConfig } from 'node:util';
import {
  broadcastFlag,
  byteSizeFlag,
  integerFlag,
  interfacesFlag,
  parseArgumentTable,
  profileFlag,
  ratioFlag,
  secondsFlag,
  stringFlag,
  UsageError,
  type FlagValues,
} from '@ssdp/cli-kit';
import { checkDeviceOptions, InvalidOptionError, MAX_FLEET_SIZE, type DeviceOptions } from '@ssdp/device';
import { MAX_31_BIT, type SsdpProfile } from '@ssdp/protocol';
import { RECEIVE_BUFFER_SIZE_MAX } from '@ssdp/transport';

/** The ssdp-device argument table. Kept apart from main.ts so it can be tested and read on its own. */
export const options = {
  interface: { type: 'string', multiple: true, short: 'i' },
  profile: { type: 'string' },
  port: { type: 'string', short: 'p' },
  broadcast: { type: 'string' },
  config: { type: 'string', short: 'c' },
  name: { type: 'string' },
  type: { type: 'string' },
  uuid: { type: 'string' },
  count: { type: 'string', short: 'n' },
  'max-age': { type: 'string' },
  'http-port': { type: 'string' },
  'state-dir': { type: 'string' },
  duration: { type: 'string', short: 'd' },
  'allow-off-link': { type: 'boolean' },
  'source-rate': { type: 'string' },
  'source-burst': { type: 'string' },
  'response-rate': { type: 'string' },
  'max-pending': { type: 'string' },
  'max-amplification': { type: 'string' },
  'http-per-source': { type: 'string' },
  'http-max-connections': { type: 'string' },
  'recv-buffer': { type: 'string' },
  ttl: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const satisfies ParseArgsConfig['options'];

export const MAX_COUNT = MAX_FLEET_SIZE;

export const usage = `Usage: ssdp-device [options]

A UPnP root device (UDA 1.1/2.0 discovery): answers every M-SEARCH after a random 0..MX delay, announces
itself with NOTIFY and serves its description over HTTP. Loopback only unless --interface says otherwise.

Network:
  -i, --interface <name|address|all>  interface to use; repeatable (default: loopback)
      --profile <upnp|legacy>         upnp (UDA, default) or legacy (the Python prototype's dialect)
  -p, --port <n>                      SSDP port (default 1900; legacy 1337)
      --broadcast <address>           legacy only: announce to this broadcast address
                                      (default: each interface's directed broadcast)
      --http-port <n>                 description server port (default 0: any free port)
      --ttl <n>                       multicast TTL / hop limit (default 2)
      --recv-buffer <bytes>           receive buffer per socket, e.g. 8M (default 4M; K and M suffixes);
                                      Linux caps it at net.core.rmem_max (a warning says so)

Device:
  -c, --config <file.json>            the device to present: {"device": {deviceType, friendlyName, manufacturer,
                                      manufacturerURL, modelName, modelNumber, modelDescription, serialNumber,
                                      uuid, services: [{serviceType, serviceId}], devices: [...], icons: [...]}}
      --name <friendlyName>           overrides the config's friendlyName
      --type <deviceType URN>         overrides the config's deviceType
                                      (default urn:schemas-upnp-org:device:Basic:1)
      --uuid <uuid>                   overrides the persisted UDN (fleet members derive theirs from it)
  -n, --count <n>                     fleet mode: n devices sharing the sockets (default 1, at most ${MAX_COUNT})
      --max-age <s>                   CACHE-CONTROL max-age in seconds (default 1800)
      --state-dir <dir>               where the UDN and BOOTID persist
                                      (default $XDG_STATE_HOME/ssdp-device or ~/.local/state/ssdp-device)

Defences (on by default; the defaults scale with the fleet size):
      --allow-off-link                answer searches from sources off the arrival interface's subnet
      --source-rate <n>               searches per second answered per source address (default 2)
      --source-burst <n>              burst of searches per source address (default 20)
      --response-rate <n>             responses per second, all searches together (default max(20, S/2),
                                      S = advertisements of the whole fleet; burst max(1000, 2 x S))
      --max-pending <n>               responses waiting for their delay (default max(1000, 4 x S))
      --max-amplification <r>         once a cap has engaged, answers' bytes per search byte received
                                      (default 2.5; 0 turns this guard off)
      --http-per-source <n>           description server: connections at once per source address (default 8)
      --http-max-connections <n>      description server: connections at once in all (default 256); when
                                      full, the newest connection of the biggest holder makes room

Run:
  -d, --duration <s>                  run for s seconds, then stop cleanly (byebye included)
      --json                          one NDJSON event per line on stdout (started, search-received,
                                      response-sent, alive-sent, byebye-sent, update-sent, dropped, stopped)
  -v, --verbose                       print whole messages, each response and every drop
  -h, --help                          show this help and exit
  -V, --version                       print the version and exit

SIGINT/SIGTERM stop cleanly (ssdp:byebye for everything announced); a second signal exits at once.
Exit codes: 0 ok, 2 usage or startup error.
`;

export interface CliArguments {
  help: boolean;
  version: boolean;
  interfaces: string[];
  profile: SsdpProfile;
  port: number | undefined;
  broadcast: string | undefined;
  config: string | undefined;
  name: string | undefined;
  type: string | undefined;
  uuid: string | undefined;
  count: number;
  maxAge: number;
  httpPort: number;
  stateDir: string | undefined;
  durationSeconds: number | undefined;
  allowOffLink: boolean;
  sourceRate: number | undefined;
  sourceBurst: number | undefined;
  responseRate: number | undefined;
  maxPending: number | undefined;
  maxAmplification: number | undefined;
  httpPerSource: number | undefined;
  httpMaxConnections: number | undefined;
  /** --recv-buffer in bytes; undefined: the library's default (4 MiB). */
  recvBuffer: number | undefined;
  ttl: number | undefined;
  json: boolean;
  verbose: boolean;
}

/** The integer flags: name, smallest, largest. */
const INTEGER_FLAGS = {
  port: [1, 65535],
  count: [1, MAX_COUNT],
  'max-age': [10, 86_400 * 7],
  'http-port': [0, 65535],
  'source-rate': [1, 1_000_000],
  'source-burst': [1, 1_000_000],
  'response-rate': [1, 10_000_000],
  'max-pending': [1, 10_000_000],
  'http-per-source': [1, 100_000],
  'http-max-connections': [1, 1_000_000],
  ttl: [1, 255],
} as const satisfies Record<string, readonly [number, number]>;

function integer(values: FlagValues, name: keyof typeof INTEGER_FLAGS): number | undefined {
  const [min, max] = INTEGER_FLAGS[name];
  return integerFlag(name, values[name], min, max);
}

function nonEmpty(values: FlagValues, name: string, expected: string): string | undefined {
  const value = stringFlag(values, name);
  if (value === '') throw new UsageError(`--${name}: ${expected}`);
  return value;
}

/** --name, --type, --uuid: checked by the library's own rules for friendlyName, deviceType and uuid. */
function deviceFlag(name: string, option: 'friendlyName' | 'deviceType' | 'uuid', raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  try {
    checkDeviceOptions({ [option]: raw } as DeviceOptions);
  } catch (error) {
    if (error instanceof InvalidOptionError) throw new UsageError(`--${name}: ${error.detail}`);
    throw error;
  }
  return option === 'uuid'
    ? String(raw)
        .trim()
        .replace(/^uuid:/i, '')
        .toLowerCase()
    : String(raw);
}

/** Parses argv (without node and the script). Throws UsageError, never anything else, on bad input. */
export function parseCliArguments(argv: readonly string[]): CliArguments {
  const values = parseArgumentTable(argv, options);
  const profile = profileFlag(values['profile']);
  return {
    help: values['help'] === true,
    version: values['version'] === true,
    interfaces: interfacesFlag(values['interface']),
    profile,
    port: integer(values, 'port'),
    broadcast: broadcastFlag(values['broadcast'], profile),
    config: nonEmpty(values, 'config', 'expected a file name'),
    name: deviceFlag('name', 'friendlyName', values['name']),
    type: deviceFlag('type', 'deviceType', values['type']),
    uuid: deviceFlag('uuid', 'uuid', values['uuid']),
    count: integer(values, 'count') ?? 1,
    maxAge: integer(values, 'max-age') ?? 1800,
    httpPort: integer(values, 'http-port') ?? 0,
    stateDir: nonEmpty(values, 'state-dir', 'expected a directory'),
    durationSeconds: secondsFlag('duration', values['duration'], MAX_31_BIT / 1000),
    allowOffLink: values['allow-off-link'] === true,
    sourceRate: integer(values, 'source-rate'),
    sourceBurst: integer(values, 'source-burst'),
    responseRate: integer(values, 'response-rate'),
    maxPending: integer(values, 'max-pending'),
    maxAmplification: ratioFlag('max-amplification', values['max-amplification'], 1_000_000),
    httpPerSource: integer(values, 'http-per-source'),
    httpMaxConnections: integer(values, 'http-max-connections'),
    recvBuffer: byteSizeFlag('recv-buffer', values['recv-buffer'], RECEIVE_BUFFER_SIZE_MAX),
    ttl: integer(values, 'ttl'),
    json: values['json'] === true,
    verbose: values['verbose'] === true,
  };
}
