import type { SsdpErrorCode } from './errors.ts';
import type { SsdpHeader } from './headers.ts';
import type { HostScope } from './host.ts';
import type { SearchResponseWindow } from './mx.ts';
import type { SsdpProfile } from './profile.ts';
import type { NotificationType, SearchTarget } from './search-target.ts';
import type { Usn } from './usn.ts';

/** The five SSDP message kinds. */
export type SsdpMessageKind = 'm-search' | 'search-response' | 'notify-alive' | 'notify-byebye' | 'notify-update';

/** A known header that was present but whose value did not parse; its typed field is then undefined. */
export interface FieldProblem {
  /** Canonical header name, e.g. `MX`. */
  readonly header: string;
  readonly code: SsdpErrorCode;
  /** The value as received (trimmed). */
  readonly value: string;
}

/**
 * What every message carries. A message is plain, immutable data: every field of its kind is an own enumerable
 * data property (an absent or invalid one holds `undefined`), there are no methods, so spread, `Object.keys`,
 * `structuredClone`, `JSON.stringify` and `postMessage` see all of it. Read an extension header with
 * `getHeader(message, 'X-Foo')`. ({@link SsdpMessageView} is the lazy form for hot receive loops.)
 *
 * Conventions for the typed fields:
 * - A field is `undefined` when its header is absent **or** its value is invalid; an invalid value is listed in
 *   {@link problems} (so `problems` tells "missing" from "garbage"). String-valued fields (`location`, `server`,
 *   `userAgent`, ...) are never invalid: they hold the raw value.
 * - With duplicate headers the **first** occurrence feeds the typed field; all occurrences stay in `headers`.
 * - Nothing is lost: `headers` holds every line, unknown extension headers (`OPT`, `01-NLS`, `X-*`) included.
 */
export interface SsdpMessageBase {
  readonly kind: SsdpMessageKind;
  /** `legacy` when the datagram had no terminating empty line (the prototype's dialect); see {@link SsdpProfile}. */
  readonly profile: SsdpProfile;
  /** Every header line in wire order: name with its original casing, value trimmed of SP/HTAB. */
  readonly headers: readonly SsdpHeader[];
  /** Known headers whose value did not parse. Empty for a clean message. */
  readonly problems: readonly FieldProblem[];
  /** HOST as received. */
  readonly host: string | undefined;
}

/** M-SEARCH (UDA §1.3.2). */
export interface MSearchMessage extends SsdpMessageBase {
  readonly kind: 'm-search';
  /**
   * From HOST: `multicast` when it names a multicast group (239.255.255.250, FF0x::C), `unicast` for any other
   * address, `unknown` when HOST is absent or malformed. Prefer the transport's knowledge of the destination
   * address when you have it (pass it to {@link searchResponseWindow}).
   */
  readonly hostScope: HostScope | 'unknown';
  /** MAN without its quotes (UDA requires `"ssdp:discover"`); a different value is also listed in `problems`. */
  readonly man: string | undefined;
  /** MX as received (trimmed). */
  readonly mxRaw: string | undefined;
  /** MX as a valid integer ≥ 1 (not clamped), or undefined when missing or invalid. */
  readonly mx: number | undefined;
  /**
   * The MX decision for this search from its own headers: multicast unless HOST says unicast (a legacy search,
   * which the prototype broadcasts, counts as one-to-many); clamped per {@link profile}.
   */
  readonly mxRule: SearchResponseWindow;
  readonly st: SearchTarget | undefined;
  readonly userAgent: string | undefined;
  /** CPFN.UPNP.ORG: the control point's friendly name (UDA 2.0). */
  readonly cpfn: string | undefined;
  /** CPUUID.UPNP.ORG: the control point's UUID (UDA 2.0). */
  readonly cpuuid: string | undefined;
  /** TCPPORT.UPNP.ORG (UDA 2.0), 49152..65535. */
  readonly tcpPort: number | undefined;
}

/** The headers shared by search responses and NOTIFYs. */
export interface AdvertisementFields {
  /** CACHE-CONTROL max-age in seconds. */
  readonly maxAge: number | undefined;
  /** LOCATION as received: the URL of the root device description (not validated as a URL). */
  readonly location: string | undefined;
  readonly server: string | undefined;
  readonly usn: Usn | undefined;
  readonly bootId: number | undefined;
  readonly configId: number | undefined;
  readonly searchPort: number | undefined;
  /** SECURELOCATION.UPNP.ORG as received. */
  readonly secureLocation: string | undefined;
}

/** The `HTTP/1.1 200 OK` answer to an M-SEARCH (UDA §1.3.3). */
export interface SearchResponseMessage extends SsdpMessageBase, AdvertisementFields {
  readonly kind: 'search-response';
  readonly st: SearchTarget | undefined;
  /** DATE, when present and valid. */
  readonly date: Date | undefined;
  /** True when an `EXT` header is present (its value should be empty). */
  readonly ext: boolean;
}

/** The fields of every NOTIFY. */
export interface NotifyFields extends SsdpMessageBase, AdvertisementFields {
  readonly nt: NotificationType | undefined;
  readonly nts: 'ssdp:alive' | 'ssdp:byebye' | 'ssdp:update';
  /** NEXTBOOTID.UPNP.ORG (meaningful in ssdp:update). */
  readonly nextBootId: number | undefined;
}

/** NOTIFY ssdp:alive (UDA §1.2.2). */
export interface NotifyAliveMessage extends NotifyFields {
  readonly kind: 'notify-alive';
  readonly nts: 'ssdp:alive';
}

/** NOTIFY ssdp:byebye (UDA §1.2.3). */
export interface NotifyByeByeMessage extends NotifyFields {
  readonly kind: 'notify-byebye';
  readonly nts: 'ssdp:byebye';
}

/** NOTIFY ssdp:update (UDA §1.2.4). */
export interface NotifyUpdateMessage extends NotifyFields {
  readonly kind: 'notify-update';
  readonly nts: 'ssdp:update';
}

/** Any SSDP message: switch on `kind`. */
export type SsdpMessage =
  MSearchMessage | SearchResponseMessage | NotifyAliveMessage | NotifyByeByeMessage | NotifyUpdateMessage;

/** Any NOTIFY. */
export type NotifyMessage = NotifyAliveMessage | NotifyByeByeMessage | NotifyUpdateMessage;

/**
 * What a lazy message view adds to the data of its kind `M`: `header()` and `toJSON()`. See {@link SsdpMessageView}.
 */
export interface SsdpMessageViewMethods<M extends SsdpMessage> {
  /** First value of any header (ASCII case-insensitive), e.g. `view.header('01-NLS')`; undefined when absent. */
  header(name: string): string | undefined;
  /** The plain data of this message: exactly what `parseMessage` returns for the same datagram. */
  toJSON(): M;
}

export type MSearchMessageView = MSearchMessage & SsdpMessageViewMethods<MSearchMessage>;
export type SearchResponseMessageView = SearchResponseMessage & SsdpMessageViewMethods<SearchResponseMessage>;
export type NotifyAliveMessageView = NotifyAliveMessage & SsdpMessageViewMethods<NotifyAliveMessage>;
export type NotifyByeByeMessageView = NotifyByeByeMessage & SsdpMessageViewMethods<NotifyByeByeMessage>;
export type NotifyUpdateMessageView = NotifyUpdateMessage & SsdpMessageViewMethods<NotifyUpdateMessage>;

/**
 * What `parseMessageView` returns: the fast path for hot receive loops. It reads like the plain message of its
 * kind, but `kind`, `profile` (and `nts`) are its only own properties; `headers` and every typed field are
 * getters computed on first read and cached. So spread, `Object.keys` and `structuredClone` do **not** see the
 * fields: read them by name, or call `toJSON()` for the plain data (`JSON.stringify` uses it).
 */
export type SsdpMessageView =
  | MSearchMessageView
  | SearchResponseMessageView
  | NotifyAliveMessageView
  | NotifyByeByeMessageView
  | NotifyUpdateMessageView;
