// Ergonomic constructors: typed values in, a plain message with headers in canonical UDA order out. The message
// is classified and read by the same code as parsed messages, so its typed fields are exactly what a receiver sees.
import { buildMessage, type StartKind } from './build-message.ts';
import { formatCacheControl } from './cache-control.ts';
import { indexHeaderList } from './header-index.ts';
import { SsdpError } from './errors.ts';
import { fieldIdOf, isValidHeaderName, trimOws, type KnownHeaderName, type SsdpHeader } from './headers.ts';
import { readHost } from './host.ts';
import { formatHttpDate } from './http-date.ts';
import type {
  MSearchMessage,
  NotifyAliveMessage,
  NotifyByeByeMessage,
  NotifyUpdateMessage,
  SearchResponseMessage,
  SsdpMessage,
  SsdpMessageKind,
} from './message.ts';
import { reorderForLegacy } from './legacy.ts';
import { MX_MAX_LEGACY } from './mx.ts';
import { productTokensText, type ProductTokensInit } from './product-tokens.ts';
import type { SsdpProfile } from './profile.ts';
import { searchTargetText, type NotificationType, type SearchTarget } from './search-target.ts';
import { formatBootId, formatConfigId, formatNextBootId, formatSearchPort, formatTcpPort } from './upnp-numbers.ts';
import { usnText, type Usn } from './usn.ts';
import { SSDP_IPV4_GROUP, SSDP_PORT } from './constants.ts';

/** The default HOST: the IPv4 SSDP group. */
export const SSDP_MULTICAST_HOST = `${SSDP_IPV4_GROUP}:${SSDP_PORT}`;

/** Fields every constructor accepts. */
export interface CommonInit {
  /**
   * Extra headers appended after the canonical ones, in order (`OPT`, `01-NLS`, `X-…`). Names must be HTTP
   * tokens and must not be one of the headers the constructor writes itself.
   */
  readonly extraHeaders?: readonly SsdpHeader[];
  /**
   * The message's profile (the default framing for {@link serializeMessage}). Default `upnp`. With `legacy` the
   * headers are kept in the prototype's order (see `LEGACY_*_HEADER_ORDER`), exactly as they will be sent.
   */
  readonly profile?: SsdpProfile;
}

/** Input of {@link createMSearch}. */
export interface MSearchInit extends CommonInit {
  readonly st: SearchTarget | string;
  /** Seconds, 1..120 (UDA 1.1+ devices clamp to 5). Required for a multicast search and for the legacy profile. */
  readonly mx?: number;
  /** Default `239.255.255.250:1900`; a unicast search uses the device's `ip:port`. */
  readonly host?: string;
  /** `OS/ver UPnP/2.0 product/ver`. Required for the legacy profile (the prototype reads line 6). */
  readonly userAgent?: string | ProductTokensInit;
  readonly cpfn?: string;
  readonly cpuuid?: string;
  readonly tcpPort?: number;
}

/** What search responses and alive/update NOTIFYs share. */
interface DescribedInit extends CommonInit {
  readonly usn: Usn | string;
  /** URL of the root device description. */
  readonly location: string;
  readonly bootId?: number;
  readonly configId?: number;
  readonly searchPort?: number;
  readonly secureLocation?: string;
}

/** Input of {@link createSearchResponse}. */
export interface SearchResponseInit extends DescribedInit {
  /** The ST to echo: the search's ST (for a type search, the version that was asked for). */
  readonly st: SearchTarget | string;
  /** CACHE-CONTROL max-age in seconds (UDA recommends ≥ 1800). */
  readonly maxAge: number;
  /** When the response was generated; the caller reads the clock, not this package. */
  readonly date: Date | number;
  readonly server: string | ProductTokensInit;
}

/** Input of {@link createNotifyAlive}. */
export interface NotifyAliveInit extends DescribedInit {
  readonly nt: NotificationType | string;
  readonly maxAge: number;
  readonly server: string | ProductTokensInit;
  /** Default `239.255.255.250:1900`. */
  readonly host?: string;
}

/** Input of {@link createNotifyByeBye}. */
export interface NotifyByeByeInit extends CommonInit {
  readonly nt: NotificationType | string;
  readonly usn: Usn | string;
  readonly bootId?: number;
  readonly configId?: number;
  readonly host?: string;
}

/** Input of {@link createNotifyUpdate}. */
export interface NotifyUpdateInit extends DescribedInit {
  readonly nt: NotificationType | string;
  readonly bootId: number;
  readonly configId: number;
  /** Must be greater than `bootId` (UDA §1.2.4). */
  readonly nextBootId: number;
  readonly host?: string;
}

/** Builds the ordered header list, skipping undefined values and checking every string. */
class HeaderListBuilder {
  readonly headers: SsdpHeader[] = [];
  add(name: KnownHeaderName, value: string | undefined): this {
    if (value === undefined) return this;
    if (value.includes('\r') || value.includes('\n')) {
      throw new SsdpError('SSDP_ERR_INVALID_HEADER', `${name} has a CR or LF in its value`, { header: name });
    }
    this.headers.push({ name, value: trimOws(value) });
    return this;
  }
  /** BOOTID, CONFIGID, SEARCHPORT and SECURELOCATION, the UDA 1.1 tail of every described message. */
  upnpIds(init: DescribedInit): this {
    return this.add('BOOTID.UPNP.ORG', optional(init.bootId, formatBootId))
      .add('CONFIGID.UPNP.ORG', optional(init.configId, formatConfigId))
      .add('SEARCHPORT.UPNP.ORG', optional(init.searchPort, formatSearchPort))
      .add('SECURELOCATION.UPNP.ORG', init.secureLocation);
  }
  extras(extra: readonly SsdpHeader[] | undefined): this {
    for (const header of extra ?? []) {
      if (!isValidHeaderName(header.name)) {
        throw new SsdpError(
          'SSDP_ERR_INVALID_HEADER',
          `header name is not an HTTP token: ${JSON.stringify(header.name)}`,
        );
      }
      if (fieldIdOf(header.name) >= 0) {
        throw new SsdpError(
          'SSDP_ERR_INVALID_ARGUMENT',
          `${header.name} is set through its typed field, not extraHeaders`,
        );
      }
      if (header.value.includes('\r') || header.value.includes('\n')) {
        throw new SsdpError('SSDP_ERR_INVALID_HEADER', `${header.name} has a CR or LF in its value`);
      }
      this.headers.push({ name: header.name, value: trimOws(header.value) });
    }
    return this;
  }
}

function optional<T>(value: T | undefined, format: (value: T) => string): string | undefined {
  return value === undefined ? undefined : format(value);
}

function nonEmpty(value: string, what: string): string {
  if (value.trim().length === 0) throw new SsdpError('SSDP_ERR_INVALID_ARGUMENT', `${what} must not be empty`);
  return value;
}

const KIND_OF_START: Record<StartKind, SsdpMessageKind> = {
  'm-search': 'm-search',
  response: 'search-response',
  notify: 'notify-alive',
};

function build<T extends SsdpMessage>(
  start: StartKind,
  builder: HeaderListBuilder,
  profile: SsdpProfile | undefined,
): T {
  // A legacy message is kept in the order it goes on the wire, so what the receiver parses equals it.
  const headers = profile === 'legacy' ? reorderForLegacy(KIND_OF_START[start], builder.headers) : builder.headers;
  const { text, slots } = indexHeaderList(headers);
  const built = buildMessage(start, profile ?? 'upnp', text, slots, 0, headers);
  if (built.kind === 'failure') throw new SsdpError('SSDP_ERR_INVALID_ARGUMENT', built.message); // unreachable: NTS is always set
  return built.toJSON() as T;
}

/**
 * An M-SEARCH with HOST, MAN, MX, ST, USER-AGENT, CPFN.UPNP.ORG, CPUUID.UPNP.ORG, TCPPORT.UPNP.ORG (absent ones
 * skipped), then `extraHeaders`. That order is also the prototype's, so its line positions (MX on line 4,
 * USER-AGENT on line 6) hold whenever HOST, MAN, MX, ST and USER-AGENT are all given.
 * @throws {@link SsdpError} `SSDP_ERR_INVALID_ARGUMENT` for an MX outside 1..120, a multicast (or legacy)
 *   search without MX, a legacy search without USER-AGENT, or any invalid typed value;
 *   `SSDP_ERR_INVALID_HEADER` for CR/LF in a string or a bad extra header name.
 */
export function createMSearch(init: MSearchInit): MSearchMessage {
  const host = init.host ?? SSDP_MULTICAST_HOST;
  const profile = init.profile ?? 'upnp';
  if (init.mx !== undefined && (!Number.isInteger(init.mx) || init.mx < 1 || init.mx > MX_MAX_LEGACY)) {
    throw new SsdpError('SSDP_ERR_INVALID_ARGUMENT', `MX must be an integer in 1..${MX_MAX_LEGACY}: ${init.mx}`);
  }
  if (init.mx === undefined && (profile === 'legacy' || readHost(host)?.scope !== 'unicast')) {
    throw new SsdpError('SSDP_ERR_INVALID_ARGUMENT', 'a multicast or legacy M-SEARCH needs MX');
  }
  if (profile === 'legacy' && init.userAgent === undefined) {
    throw new SsdpError('SSDP_ERR_INVALID_ARGUMENT', 'a legacy M-SEARCH needs USER-AGENT (the prototype reads line 6)');
  }
  const builder = new HeaderListBuilder()
    .add('HOST', nonEmpty(host, 'HOST'))
    .add('MAN', '"ssdp:discover"')
    .add('MX', optional(init.mx, String))
    .add('ST', searchTargetText(init.st))
    .add('USER-AGENT', optional(init.userAgent, productTokensText))
    .add('CPFN.UPNP.ORG', init.cpfn)
    .add('CPUUID.UPNP.ORG', init.cpuuid)
    .add('TCPPORT.UPNP.ORG', optional(init.tcpPort, formatTcpPort))
    .extras(init.extraHeaders);
  return build<MSearchMessage>('m-search', builder, profile);
}

/**
 * A search response with CACHE-CONTROL, DATE, EXT, LOCATION, SERVER, ST, USN, BOOTID.UPNP.ORG,
 * CONFIGID.UPNP.ORG, SEARCHPORT.UPNP.ORG, SECURELOCATION.UPNP.ORG (UDA §1.3.3 order), then `extraHeaders`.
 * @throws {@link SsdpError} `SSDP_ERR_INVALID_ARGUMENT` / `SSDP_ERR_INVALID_HEADER` for invalid values.
 */
export function createSearchResponse(init: SearchResponseInit): SearchResponseMessage {
  const builder = new HeaderListBuilder()
    .add('CACHE-CONTROL', formatCacheControl(init.maxAge))
    .add('DATE', formatHttpDate(init.date))
    .add('EXT', '')
    .add('LOCATION', nonEmpty(init.location, 'LOCATION'))
    .add('SERVER', productTokensText(init.server))
    .add('ST', searchTargetText(init.st))
    .add('USN', usnText(init.usn))
    .upnpIds(init)
    .extras(init.extraHeaders);
  return build<SearchResponseMessage>('response', builder, init.profile);
}

/**
 * A NOTIFY ssdp:alive with HOST, CACHE-CONTROL, LOCATION, NT, NTS, SERVER, USN, BOOTID.UPNP.ORG,
 * CONFIGID.UPNP.ORG, SEARCHPORT.UPNP.ORG, SECURELOCATION.UPNP.ORG (UDA §1.2.2 order, which is also the
 * prototype's: SERVER lands on line 7), then `extraHeaders`.
 * @throws {@link SsdpError} `SSDP_ERR_INVALID_ARGUMENT` / `SSDP_ERR_INVALID_HEADER` for invalid values.
 */
export function createNotifyAlive(init: NotifyAliveInit): NotifyAliveMessage {
  const builder = new HeaderListBuilder()
    .add('HOST', nonEmpty(init.host ?? SSDP_MULTICAST_HOST, 'HOST'))
    .add('CACHE-CONTROL', formatCacheControl(init.maxAge))
    .add('LOCATION', nonEmpty(init.location, 'LOCATION'))
    .add('NT', searchTargetText(init.nt))
    .add('NTS', 'ssdp:alive')
    .add('SERVER', productTokensText(init.server))
    .add('USN', usnText(init.usn))
    .upnpIds(init)
    .extras(init.extraHeaders);
  return build<NotifyAliveMessage>('notify', builder, init.profile);
}

/**
 * A NOTIFY ssdp:byebye with HOST, NT, NTS, USN, BOOTID.UPNP.ORG, CONFIGID.UPNP.ORG (UDA §1.2.3: no LOCATION, no
 * CACHE-CONTROL), then `extraHeaders`.
 * @throws {@link SsdpError} `SSDP_ERR_INVALID_ARGUMENT` / `SSDP_ERR_INVALID_HEADER` for invalid values.
 */
export function createNotifyByeBye(init: NotifyByeByeInit): NotifyByeByeMessage {
  const builder = new HeaderListBuilder()
    .add('HOST', nonEmpty(init.host ?? SSDP_MULTICAST_HOST, 'HOST'))
    .add('NT', searchTargetText(init.nt))
    .add('NTS', 'ssdp:byebye')
    .add('USN', usnText(init.usn))
    .add('BOOTID.UPNP.ORG', optional(init.bootId, formatBootId))
    .add('CONFIGID.UPNP.ORG', optional(init.configId, formatConfigId))
    .extras(init.extraHeaders);
  return build<NotifyByeByeMessage>('notify', builder, init.profile);
}

/**
 * A NOTIFY ssdp:update with HOST, LOCATION, NT, NTS, USN, BOOTID.UPNP.ORG, CONFIGID.UPNP.ORG,
 * NEXTBOOTID.UPNP.ORG, SEARCHPORT.UPNP.ORG, SECURELOCATION.UPNP.ORG (UDA §1.2.4), then `extraHeaders`.
 * @throws {@link SsdpError} `SSDP_ERR_INVALID_ARGUMENT` when `nextBootId` is not greater than `bootId` or a
 *   value is invalid; `SSDP_ERR_INVALID_HEADER` for CR/LF in a string.
 */
export function createNotifyUpdate(init: NotifyUpdateInit): NotifyUpdateMessage {
  if (!(init.nextBootId > init.bootId)) {
    throw new SsdpError('SSDP_ERR_INVALID_ARGUMENT', 'NEXTBOOTID.UPNP.ORG must be greater than BOOTID.UPNP.ORG');
  }
  const builder = new HeaderListBuilder()
    .add('HOST', nonEmpty(init.host ?? SSDP_MULTICAST_HOST, 'HOST'))
    .add('LOCATION', nonEmpty(init.location, 'LOCATION'))
    .add('NT', searchTargetText(init.nt))
    .add('NTS', 'ssdp:update')
    .add('USN', usnText(init.usn))
    .add('BOOTID.UPNP.ORG', formatBootId(init.bootId))
    .add('CONFIGID.UPNP.ORG', formatConfigId(init.configId))
    .add('NEXTBOOTID.UPNP.ORG', formatNextBootId(init.nextBootId))
    .add('SEARCHPORT.UPNP.ORG', optional(init.searchPort, formatSearchPort))
    .add('SECURELOCATION.UPNP.ORG', init.secureLocation)
    .extras(init.extraHeaders);
  return build<NotifyUpdateMessage>('notify', builder, init.profile);
}
