// The options of createDevice: what a library user writes, validated into the engine's init. Every option has a
// default; a wrong one throws InvalidOptionError naming it.
import { LEGACY_PORT, type SsdpProfile } from '@ssdp/protocol';
import { resolveHttpGuardOptions, type HttpGuardOptions } from '@ssdp/http-guard';
import {
  broadcastAddressOption,
  integerOption,
  interfacesOption,
  InvalidOptionError,
  knownOptions,
  portOption,
  profileOption,
  receiveBufferOption,
  textOption,
  type TransportOptions,
} from '@ssdp/transport';
import { describeIssue, rootDeviceSchema, type DeviceConfig } from './device-config.ts';
import { defaultLimits, type DeviceLimits } from './limits.ts';

export { LEGACY_PORT };
export const DEFAULT_MAX_AGE = 1800;
export const MAX_FLEET_SIZE = 10_000;

/** The root device's description fields (DeviceConfig, as in a `--config` file) and how it runs. */
export interface DeviceOptions extends DeviceConfig {
  /** Interface names or addresses, or 'all'. Default: loopback only (nothing leaves the machine). */
  readonly interfaces?: readonly string[] | 'all';
  /** Default `urn:schemas-upnp-org:device:Basic:1`. */
  readonly deviceType?: string;
  /** Default `ssdp-device on <hostname>`. */
  readonly friendlyName?: string;
  /** The root UUID (with or without `uuid:`). Default: the one persisted under `stateDir`, made on first start. */
  readonly uuid?: string;
  /** Embedded devices (each needs a deviceType). */
  readonly devices?: readonly DeviceConfig[];
  /** `upnp` (default) or `legacy`: the Python prototype's dialect (broadcast on port 1337). */
  readonly profile?: SsdpProfile;
  /** SSDP port. Default 1900 (legacy 1337). */
  readonly port?: number;
  /** Description server port. Default 0: any free port. */
  readonly httpPort?: number;
  /** CACHE-CONTROL max-age, 10..604800 s. Default 1800. */
  readonly maxAge?: number;
  /** Where the UUID and BOOTID persist. Default `$XDG_STATE_HOME/ssdp-device` or `~/.local/state/ssdp-device`. */
  readonly stateDir?: string;
  /** Multicast TTL. Default 2. */
  readonly multicastTtl?: number;
  /** Fleet size: this many root devices with UUIDs derived from the first. Default 1. */
  readonly count?: number;
  /** Legacy profile: where announcements go. Default each interface's directed broadcast. */
  readonly broadcastAddress?: string;
  /** Overrides of the defences against floods (see the README's limits table). */
  readonly limits?: Partial<DeviceLimits>;
  /** The SERVER header. Default `<os>/<release> UPnP/2.0 ssdp-device/<version>`. */
  readonly server?: string;
  /** search-received events carry `raw`, the datagram as text. Default false (it costs a decode per search). */
  readonly rawMessages?: boolean;
  /**
   * The description server's connection caps and deadlines (see @ssdp/http-guard). Defaults: 8 connections per
   * source address, 256 in all, headers within 5 s, a request answered within 10 s, idle keep-alive 5 s.
   */
  readonly httpLimits?: Omit<HttpGuardOptions, 'onDrop'>;
  /**
   * Receive buffer (SO_RCVBUF) asked for on each socket, bytes, 1..512 MiB. Default 4 MiB: a search storm's burst
   * waits there instead of being dropped. Linux caps it at net.core.rmem_max (a `warning` event says so); what the
   * kernel still drops is `stats.kernelDrops`.
   */
  readonly recvBufferSize?: number;
}

/** The options checked and completed (host-specific defaults are filled in by createDevice). */
export interface ResolvedDeviceOptions {
  readonly profile: SsdpProfile;
  readonly port: number;
  readonly httpPort: number;
  readonly maxAge: number;
  readonly count: number;
  readonly config: DeviceConfig;
  readonly transport: TransportOptions;
  readonly stateDir: string | undefined;
  readonly uuid: string | undefined;
  readonly broadcastAddress: string | undefined;
  readonly limits: Partial<DeviceLimits>;
  readonly server: string | undefined;
  readonly rawMessages: boolean;
  readonly httpLimits: Omit<HttpGuardOptions, 'onDrop'>;
}

const DESCRIPTION_KEYS = [
  'deviceType',
  'friendlyName',
  'uuid',
  'manufacturer',
  'manufacturerURL',
  'modelName',
  'modelNumber',
  'modelDescription',
  'modelURL',
  'serialNumber',
  'upc',
  'presentationURL',
  'services',
  'icons',
  'devices',
] as const satisfies readonly (keyof DeviceConfig)[];

const OTHER_KEYS = [
  'interfaces',
  'profile',
  'port',
  'httpPort',
  'maxAge',
  'stateDir',
  'multicastTtl',
  'count',
  'broadcastAddress',
  'limits',
  'server',
  'rawMessages',
  'httpLimits',
  'recvBufferSize',
] as const;

const KNOWN = new Set<string>([...DESCRIPTION_KEYS, ...OTHER_KEYS]);
const LIMIT_KEYS = new Set<string>(Object.keys(defaultLimits(1)));

function limitsOf(value: unknown): Partial<DeviceLimits> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidOptionError('limits', 'expected an object');
  for (const [key, limit] of Object.entries(value)) {
    if (!LIMIT_KEYS.has(key))
      throw new InvalidOptionError(`limits.${key}`, `unknown limit (known: ${[...LIMIT_KEYS].join(', ')})`);
    if (limit === undefined) continue;
    if (key === 'allowOffLink') {
      if (typeof limit !== 'boolean') throw new InvalidOptionError(`limits.${key}`, 'expected a boolean');
    } else if (key !== 'parseLimits' && (typeof limit !== 'number' || !(limit >= 0) || !Number.isFinite(limit))) {
      throw new InvalidOptionError(`limits.${key}`, `expected a number ≥ 0, got ${JSON.stringify(limit)}`);
    }
  }
  return value as Partial<DeviceLimits>;
}

function httpLimitsOf(value: unknown): Omit<HttpGuardOptions, 'onDrop'> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'onDrop' in value) {
    throw new InvalidOptionError('httpLimits', 'expected an object of limits (see @ssdp/http-guard)');
  }
  try {
    resolveHttpGuardOptions(value as HttpGuardOptions);
  } catch (error) {
    throw new InvalidOptionError('httpLimits', error instanceof Error ? error.message : String(error));
  }
  return value as Omit<HttpGuardOptions, 'onDrop'>;
}

/** Checks `options` and fills in every default that does not depend on the host. Throws InvalidOptionError. */
export function resolveDeviceOptions(options: DeviceOptions): ResolvedDeviceOptions {
  knownOptions(options, KNOWN);
  const record = options as Record<string, unknown>;
  const description: Record<string, unknown> = {};
  for (const key of DESCRIPTION_KEYS) if (record[key] !== undefined) description[key] = record[key];
  const parsed = rootDeviceSchema.safeParse(description, { reportInput: true });
  if (!parsed.success) {
    const issue = describeIssue(parsed.error).trim();
    const colon = issue.indexOf(': ');
    throw colon > 0
      ? new InvalidOptionError(issue.slice(0, colon), issue.slice(colon + 2))
      : new InvalidOptionError('options', issue.replace(/^: /, ''));
  }
  const config = parsed.data as DeviceConfig;

  const profile = profileOption(options.profile);
  const legacy = profile === 'legacy';
  const port = portOption(options.port, profile);
  const httpPort = options.httpPort === undefined ? 0 : integerOption('httpPort', options.httpPort, 0, 65535);
  const maxAge = options.maxAge === undefined ? DEFAULT_MAX_AGE : integerOption('maxAge', options.maxAge, 10, 604_800);
  const count = options.count === undefined ? 1 : integerOption('count', options.count, 1, MAX_FLEET_SIZE);
  const ttl =
    options.multicastTtl === undefined ? undefined : integerOption('multicastTtl', options.multicastTtl, 1, 255);
  const interfaces = interfacesOption(options.interfaces);
  const broadcastAddress = broadcastAddressOption(options.broadcastAddress, profile);
  if (options.rawMessages !== undefined && typeof options.rawMessages !== 'boolean')
    throw new InvalidOptionError('rawMessages', 'expected a boolean');

  const transport: TransportOptions = {
    ...(interfaces === undefined ? {} : { interfaces }),
    port,
    ...(legacy ? { broadcast: true, joinGroup: false, families: ['IPv4'] } : {}),
    ...(ttl === undefined ? {} : { multicastTtl: ttl }),
    ...receiveBufferOption(options.recvBufferSize),
  };
  return {
    profile,
    port,
    httpPort,
    maxAge,
    count,
    config,
    transport,
    stateDir: textOption('stateDir', options.stateDir),
    uuid: config.uuid,
    broadcastAddress,
    limits: limitsOf(options.limits),
    server: textOption('server', options.server),
    rawMessages: options.rawMessages ?? false,
    httpLimits: httpLimitsOf(options.httpLimits),
  };
}

/** Throws InvalidOptionError when createDevice would refuse `options`; creates nothing. */
export function checkDeviceOptions(options: DeviceOptions): void {
  resolveDeviceOptions(options);
}
