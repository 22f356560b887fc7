// The options of createControlPoint and discover: checked, completed with defaults, and turned into the engine's
// init. A wrong option throws InvalidOptionError naming it.
import { parseSearchTarget } from '@ssdp/protocol';
import {
  broadcastAddressOption,
  integerOption,
  interfacesOption,
  InvalidOptionError,
  knownOptions,
  portOption,
  profileOption,
  receiveBufferOption,
  textOption as text,
  type TransportOptions,
} from '@ssdp/transport';
import type { ControlPointEngineInit } from './control-point-engine.ts';
import { DEFAULT_DESCRIBE_TIMEOUT_MS } from './description-fetcher.ts';

export type ControlPointProfile = 'upnp' | 'legacy';

export interface ControlPointOptions {
  /** Interface names or addresses, or 'all'. Default: loopback only (nothing leaves the machine). */
  readonly interfaces?: readonly string[] | 'all';
  /** ST of the searches. Default `ssdp:all`. */
  readonly target?: string;
  /** MX of the searches, 1..120 s. Default 3. */
  readonly mx?: number;
  /** Time between search cycles. Default 10000 ms. */
  readonly intervalMs?: number;
  /** Search cycles to run. Default: until stopped. */
  readonly cycles?: number;
  /** Fetch each device's description (friendlyName, manufacturer ...). Default true. */
  readonly describe?: boolean;
  /** Deadline of one description fetch. Default 3000 ms. */
  readonly describeTimeoutMs?: number;
  /** Description fetches at once per sender address, 1..8. Default 4. */
  readonly describePerSender?: number;
  /** Fetch a LOCATION even when its host is not the sender. Default false (a device cannot point us elsewhere). */
  readonly allowForeignLocation?: boolean;
  /** Registry bound; the least recently seen device is evicted. Default 10000. */
  readonly maxDevices?: number;
  /** `upnp` (default) or `legacy`: the Python prototype's dialect (broadcast on port 1337). */
  readonly profile?: ControlPointProfile;
  /** SSDP port. Default 1900 (legacy 1337). */
  readonly port?: number;
  /** Legacy: the broadcast address to search. Default each interface's directed broadcast. */
  readonly broadcastAddress?: string;
  /** Report every datagram as a message-received event. Default false. */
  readonly rawMessages?: boolean;
  /** USER-AGENT of the searches. Default `<os>/<release> UPnP/2.0 ssdp-controller/<version>`. */
  readonly userAgent?: string;
  /** CPFN.UPNP.ORG. Default `ssdp-controller`. */
  readonly friendlyName?: string;
  /**
   * Receive buffer (SO_RCVBUF) to ask for on each socket, bytes, 1..512 MiB. Default 4 MiB: room for a burst of
   * thousands of answers. Linux caps it at net.core.rmem_max; `stats.receiveBuffer` says what was granted.
   */
  readonly recvBufferSize?: number;
  /**
   * Read the search socket on a worker thread that only copies datagrams into a shared ring, so that thousands of
   * answers arriving at once are read as fast as a bare socket reads them, whatever the main thread is doing.
   * Default true; false reads on the event loop (one thread fewer).
   */
  readonly readInWorker?: boolean;
}

export interface ResolvedControlPointOptions {
  readonly engine: Omit<ControlPointEngineInit, 'userAgent'>;
  readonly transport: TransportOptions;
  readonly describeTimeoutMs: number;
  readonly allowForeignLocation: boolean;
  readonly userAgent: string | undefined;
}

const KNOWN = new Set([
  'interfaces',
  'target',
  'mx',
  'intervalMs',
  'cycles',
  'describe',
  'describeTimeoutMs',
  'describePerSender',
  'allowForeignLocation',
  'maxDevices',
  'profile',
  'port',
  'broadcastAddress',
  'rawMessages',
  'userAgent',
  'friendlyName',
  'recvBufferSize',
  'readInWorker',
]);

function boolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw new InvalidOptionError(name, `expected a boolean, got ${JSON.stringify(value)}`);
  return value;
}

/** What the transport needs, per profile. */
export function controlPointTransportOptions(
  profile: ControlPointProfile,
  port: number,
  interfaces: readonly string[] | undefined,
): TransportOptions {
  const chosen = interfaces === undefined ? {} : { interfaces };
  // The prototype's devices answer with a unicast NOTIFY to <searcher>:1337, so we listen there.
  if (profile === 'legacy')
    return { ...chosen, families: ['IPv4'], port, unicastPort: port, joinGroup: false, broadcast: false };
  // Search from an ephemeral port (answers come back there), hear NOTIFY on the group.
  return { ...chosen, port, unicastPort: 0, joinGroup: true };
}

export function resolveControlPointOptions(options: ControlPointOptions): ResolvedControlPointOptions {
  knownOptions(options, KNOWN);

  const profile = profileOption(options.profile);
  const legacy = profile === 'legacy';
  const target = text('target', options.target) ?? 'ssdp:all';
  if (!legacy && !parseSearchTarget(target).ok) {
    throw new InvalidOptionError(
      'target',
      `expected ssdp:all, upnp:rootdevice, uuid:… or a urn:…:device|service:…:v, got ${JSON.stringify(target)}`,
    );
  }
  const port = portOption(options.port, profile);
  const broadcast = broadcastAddressOption(options.broadcastAddress, profile);
  const describe = boolean('describe', options.describe, true);
  const engine: Omit<ControlPointEngineInit, 'userAgent'> = {
    profile,
    target,
    mx: options.mx === undefined ? 3 : integerOption('mx', options.mx, 1, 120),
    intervalMs:
      options.intervalMs === undefined ? 10_000 : integerOption('intervalMs', options.intervalMs, 1000, 86_400_000),
    ...(options.cycles === undefined
      ? {}
      : { cycles: integerOption('cycles', options.cycles, 1, Number.MAX_SAFE_INTEGER) }),
    port,
    ...(broadcast === undefined ? {} : { broadcast }),
    describe,
    verbose: boolean('rawMessages', options.rawMessages, false),
    ...(options.friendlyName === undefined ? {} : { friendlyName: text('friendlyName', options.friendlyName)! }),
    registry: {
      maxDevices:
        options.maxDevices === undefined ? 10_000 : integerOption('maxDevices', options.maxDevices, 1, 1_000_000),
    },
    describePerSender:
      options.describePerSender === undefined ? 4 : integerOption('describePerSender', options.describePerSender, 1, 8),
  };
  return {
    engine,
    transport: {
      ...controlPointTransportOptions(profile, port, interfacesOption(options.interfaces)),
      ...receiveBufferOption(options.recvBufferSize),
      readInWorker: boolean('readInWorker', options.readInWorker, true),
    },
    describeTimeoutMs:
      options.describeTimeoutMs === undefined
        ? DEFAULT_DESCRIBE_TIMEOUT_MS
        : integerOption('describeTimeoutMs', options.describeTimeoutMs, 100, 600_000),
    allowForeignLocation: boolean('allowForeignLocation', options.allowForeignLocation, false),
    userAgent: text('userAgent', options.userAgent),
  };
}
