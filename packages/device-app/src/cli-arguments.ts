import { isIPv4 } from 'node:net';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { checkDeviceOptions, InvalidOptionError, MAX_FLEET_SIZE, type DeviceOptions } from '@ssdp/device';
import { MAX_31_BIT, type SsdpProfile } from '@ssdp/protocol';
import { z } from 'zod';

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

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

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

function integer(min: number, max: number) {
  const message = `expected an integer in ${min}..${max}`;
  return z
    .string()
    .trim()
    .regex(/^\d{1,10}$/, { error: message })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: message });
}

function positiveNumber(max: number) {
  const message = `expected a number of seconds > 0 (at most ${max})`;
  return z
    .string()
    .trim()
    .regex(/^\d{1,9}(\.\d{1,3})?$/, { error: message })
    .transform(Number)
    .refine((n) => n > 0 && n <= max, { error: message });
}

/** Bytes with an optional K or M suffix (KiB, MiB), 1 byte to 512M (the transport's RECEIVE_BUFFER_SIZE_MAX). */
function byteSize() {
  const message = 'expected a size in bytes from 1 to 512M (K and M suffixes allowed)';
  return z
    .string()
    .trim()
    .regex(/^\d{1,10}[kKmM]?$/, { error: message })
    .transform((text) => Number.parseInt(text, 10) * (/k$/i.test(text) ? 1024 : /m$/i.test(text) ? 1024 * 1024 : 1))
    .refine((n) => n >= 1 && n <= 512 * 1024 * 1024, { error: message });
}

function ratio(max: number) {
  const message = `expected a number in 0..${max} (0 turns it off)`;
  return z
    .string()
    .trim()
    .regex(/^\d{1,6}(\.\d{1,3})?$/, { error: message })
    .transform(Number)
    .refine((n) => n >= 0 && n <= max, { error: message });
}

const flagSchemas = {
  profile: z.enum(['upnp', 'legacy'], { error: 'expected upnp or legacy' }),
  port: integer(1, 65535),
  broadcast: z
    .string()
    .refine((value) => isIPv4(value), { error: 'expected an IPv4 broadcast address like 192.168.0.255' }),
  config: z.string().min(1, { error: 'expected a file name' }),
  count: integer(1, MAX_COUNT),
  'max-age': integer(10, 86_400 * 7),
  'http-port': integer(0, 65535),
  'state-dir': z.string().min(1, { error: 'expected a directory' }),
  duration: positiveNumber(MAX_31_BIT / 1000),
  'source-rate': integer(1, 1_000_000),
  'source-burst': integer(1, 1_000_000),
  'response-rate': integer(1, 10_000_000),
  'max-pending': integer(1, 10_000_000),
  'max-amplification': ratio(1_000_000),
  'http-per-source': integer(1, 100_000),
  'http-max-connections': integer(1, 1_000_000),
  'recv-buffer': byteSize(),
  ttl: integer(1, 255),
} as const;

function flag<K extends keyof typeof flagSchemas>(
  name: K,
  raw: unknown,
): z.output<(typeof flagSchemas)[K]> | undefined {
  if (raw === undefined) return undefined;
  const result = flagSchemas[name].safeParse(raw);
  if (!result.success) throw new UsageError(`--${name}: ${result.error.issues[0]?.message ?? 'invalid'}`);
  return result.data as z.output<(typeof flagSchemas)[K]>;
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
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const profile = flag('profile', values['profile']) ?? 'upnp';
  const broadcast = flag('broadcast', values['broadcast']);
  if (broadcast !== undefined && profile !== 'legacy') throw new UsageError('--broadcast: only with --profile legacy');
  const interfaces = (values['interface'] as string[] | undefined) ?? [];
  if (interfaces.some((value) => value.trim() === ''))
    throw new UsageError('--interface: expected a name, an address or all');
  return {
    help: values['help'] === true,
    version: values['version'] === true,
    interfaces,
    profile,
    port: flag('port', values['port']),
    broadcast,
    config: flag('config', values['config']),
    name: deviceFlag('name', 'friendlyName', values['name']),
    type: deviceFlag('type', 'deviceType', values['type']),
    uuid: deviceFlag('uuid', 'uuid', values['uuid']),
    count: flag('count', values['count']) ?? 1,
    maxAge: flag('max-age', values['max-age']) ?? 1800,
    httpPort: flag('http-port', values['http-port']) ?? 0,
    stateDir: flag('state-dir', values['state-dir']),
    durationSeconds: flag('duration', values['duration']),
    allowOffLink: values['allow-off-link'] === true,
    sourceRate: flag('source-rate', values['source-rate']),
    sourceBurst: flag('source-burst', values['source-burst']),
    responseRate: flag('response-rate', values['response-rate']),
    maxPending: flag('max-pending', values['max-pending']),
    maxAmplification: flag('max-amplification', values['max-amplification']),
    httpPerSource: flag('http-per-source', values['http-per-source']),
    httpMaxConnections: flag('http-max-connections', values['http-max-connections']),
    recvBuffer: flag('recv-buffer', values['recv-buffer']),
    ttl: flag('ttl', values['ttl']),
    json: values['json'] === true,
    verbose: values['verbose'] === true,
  };
}
