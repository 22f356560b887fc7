// Turns an ordered header list into a message. Shared by parseMessage and the create* constructors, so a
// constructed message and a parsed one can never disagree about their typed fields.
//
// parseMessage must stay within a small factor of "decode + split lines", so classification is all that
// happens eagerly (it needs NTS only). The typed view (ST, USN, MX rule, dates, ...) is computed on the first
// read of any typed field and cached; after that every getter is a field read.
import { readMaxAge } from './cache-control.ts';
import { HeaderRanges } from './header-ranges.ts';
import type { SsdpErrorCode } from './errors.ts';
import {
  F_BOOTID,
  F_CACHE_CONTROL,
  F_CONFIGID,
  F_CPFN,
  F_CPUUID,
  F_DATE,
  F_EXT,
  F_HOST,
  F_LOCATION,
  F_MAN,
  F_MX,
  F_NEXTBOOTID,
  F_NT,
  F_NTS,
  F_SEARCHPORT,
  F_SECURELOCATION,
  F_SERVER,
  F_ST,
  F_TCPPORT,
  F_USER_AGENT,
  F_USN,
  FIELD_COUNT,
  KNOWN_HEADER_NAMES,
  fieldIdOf,
  type SsdpHeader,
} from './headers.ts';
import type { HostScope } from './host.ts';
import { readHostScope } from './host.ts';
import { readHttpDate } from './http-date.ts';
import type { FieldProblem, MSearchMessage, SearchResponseMessage, SsdpMessage } from './message.ts';
import { clampMx, readMx, UNICAST_RESPONSE_WINDOW_MS, type SearchResponseWindow } from './mx.ts';
import type { SsdpProfile } from './profile.ts';
import { readSearchTarget, type NotificationType, type SearchTarget } from './search-target.ts';
import { MAX_31_BIT, MAX_PORT, MIN_DYNAMIC_PORT, readRanged } from './upnp-numbers.ts';
import { readUsn, type Usn } from './usn.ts';

/** What the start line said. */
export type StartKind = 'm-search' | 'notify' | 'response';

/** Why {@link buildMessage} could not classify a header list. */
export class BuildFailure {
  constructor(
    readonly code: Extract<SsdpErrorCode, 'SSDP_ERR_MISSING_HEADER' | 'SSDP_ERR_UNKNOWN_NTS'>,
    /** Index into the header list of the offending header, -1 when it is missing. */
    readonly headerIndex: number,
    readonly message: string,
  ) {}
}

const NO_PROBLEMS: readonly FieldProblem[] = Object.freeze([]);

type Values = (string | undefined)[];

/** First value of every known header, indexed by field id. */
function collectValues(headers: readonly SsdpHeader[]): Values {
  const values: Values = new Array<string | undefined>(FIELD_COUNT);
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i]!;
    const id = fieldIdOf(header.name);
    if (id >= 0 && values[id] === undefined) values[id] = header.value;
  }
  return values;
}

/** Collects the problems of one message; allocates only when there is one. */
class ProblemList {
  list: FieldProblem[] | undefined;
  add(field: number, code: SsdpErrorCode, value: string): void {
    (this.list ??= []).push({ header: KNOWN_HEADER_NAMES[field]!, code, value });
  }
  result(): readonly FieldProblem[] {
    return this.list ?? NO_PROBLEMS;
  }
}

function unquote(value: string): string {
  return value.length >= 2 && value.charCodeAt(0) === 0x22 && value.charCodeAt(value.length - 1) === 0x22
    ? value.slice(1, -1)
    : value;
}

function readId(values: Values, field: number, code: SsdpErrorCode, problems: ProblemList): number | undefined {
  const raw = values[field];
  if (raw === undefined) return undefined;
  const value = readRanged(raw, 0, MAX_31_BIT);
  if (value >= 0) return value;
  problems.add(field, code, raw);
  return undefined;
}

function readPort(values: Values, field: number, code: SsdpErrorCode, problems: ProblemList): number | undefined {
  const raw = values[field];
  if (raw === undefined) return undefined;
  const value = readRanged(raw, MIN_DYNAMIC_PORT, MAX_PORT);
  if (value >= 0) return value;
  problems.add(field, code, raw);
  return undefined;
}

function readTarget(values: Values, field: number, problems: ProblemList): SearchTarget | undefined {
  const raw = values[field];
  if (raw === undefined) return undefined;
  const target = readSearchTarget(raw);
  // ssdp:all is a search-only target; as NT it is invalid.
  if (target === undefined || (field === F_NT && target.type === 'all')) {
    problems.add(field, 'SSDP_ERR_INVALID_SEARCH_TARGET', raw);
    return undefined;
  }
  return target;
}

/** The typed fields shared by search responses and NOTIFYs. */
interface AdvertisementTyped {
  readonly problems: readonly FieldProblem[];
  readonly host: string | undefined;
  readonly maxAge: number | undefined;
  readonly location: string | undefined;
  readonly server: string | undefined;
  readonly usn: Usn | undefined;
  readonly bootId: number | undefined;
  readonly configId: number | undefined;
  readonly searchPort: number | undefined;
  readonly secureLocation: string | undefined;
  readonly st: SearchTarget | undefined;
  readonly date: Date | undefined;
  readonly ext: boolean;
  readonly nt: NotificationType | undefined;
  readonly nextBootId: number | undefined;
}

/** Typed view of a search response or NOTIFY, validated in wire-independent field order. */
function advertisementTyped(headers: readonly SsdpHeader[]): AdvertisementTyped {
  const values = collectValues(headers);
  const problems = new ProblemList();
  let maxAge: number | undefined;
  const cacheControl = values[F_CACHE_CONTROL];
  if (cacheControl !== undefined) {
    const value = readMaxAge(cacheControl);
    if (value >= 0) maxAge = value;
    else problems.add(F_CACHE_CONTROL, 'SSDP_ERR_INVALID_CACHE_CONTROL', cacheControl);
  }
  let date: Date | undefined;
  const dateRaw = values[F_DATE];
  if (dateRaw !== undefined) {
    const ms = readHttpDate(dateRaw);
    if (Number.isNaN(ms)) problems.add(F_DATE, 'SSDP_ERR_INVALID_DATE', dateRaw);
    else date = new Date(ms);
  }
  const st = readTarget(values, F_ST, problems);
  const nt = readTarget(values, F_NT, problems) as NotificationType | undefined;
  let usn: Usn | undefined;
  const usnRaw = values[F_USN];
  if (usnRaw !== undefined) {
    usn = readUsn(usnRaw);
    if (usn === undefined) problems.add(F_USN, 'SSDP_ERR_INVALID_USN', usnRaw);
  }
  const bootId = readId(values, F_BOOTID, 'SSDP_ERR_INVALID_BOOTID', problems);
  const configId = readId(values, F_CONFIGID, 'SSDP_ERR_INVALID_CONFIGID', problems);
  const nextBootId = readId(values, F_NEXTBOOTID, 'SSDP_ERR_INVALID_NEXTBOOTID', problems);
  const searchPort = readPort(values, F_SEARCHPORT, 'SSDP_ERR_INVALID_SEARCHPORT', problems);
  return {
    problems: problems.result(),
    host: values[F_HOST],
    maxAge,
    location: values[F_LOCATION],
    server: values[F_SERVER],
    usn,
    bootId,
    configId,
    searchPort,
    secureLocation: values[F_SECURELOCATION],
    st,
    date,
    ext: values[F_EXT] !== undefined,
    nt,
    nextBootId,
  };
}

/** The typed fields of an M-SEARCH. */
interface MSearchTyped {
  readonly problems: readonly FieldProblem[];
  readonly host: string | undefined;
  readonly hostScope: HostScope | 'unknown';
  readonly man: string | undefined;
  readonly mxRaw: string | undefined;
  readonly mx: number | undefined;
  readonly mxRule: SearchResponseWindow;
  readonly st: SearchTarget | undefined;
  readonly userAgent: string | undefined;
  readonly cpfn: string | undefined;
  readonly cpuuid: string | undefined;
  readonly tcpPort: number | undefined;
}

function mSearchTyped(headers: readonly SsdpHeader[], profile: SsdpProfile): MSearchTyped {
  const values = collectValues(headers);
  const problems = new ProblemList();
  const host = values[F_HOST];
  const scope = host === undefined ? undefined : readHostScope(host);
  if (host !== undefined && scope === undefined) problems.add(F_HOST, 'SSDP_ERR_INVALID_HOST', host);
  const hostScope = scope ?? 'unknown';

  const manRaw = values[F_MAN];
  const man = manRaw === undefined ? undefined : unquote(manRaw);
  if (manRaw !== undefined && man!.toLowerCase() !== 'ssdp:discover') problems.add(F_MAN, 'SSDP_ERR_INVALID_MAN', manRaw);

  const mxRaw = values[F_MX];
  const mxValue = readMx(mxRaw);
  const mx = mxValue >= 1 ? mxValue : undefined;
  if (mxRaw !== undefined && mx === undefined) problems.add(F_MX, 'SSDP_ERR_INVALID_MX', mxRaw);
  // The prototype broadcasts its search, so a legacy search counts as one-to-many whatever HOST says.
  const multicast = hostScope !== 'unicast' || profile === 'legacy';
  let mxRule: SearchResponseWindow;
  if (!multicast) mxRule = { respond: true, maxDelayMs: UNICAST_RESPONSE_WINDOW_MS };
  else if (mx !== undefined) mxRule = { respond: true, maxDelayMs: clampMx(mx, profile) * 1000 };
  else mxRule = { respond: false, reason: mxRaw === undefined ? 'mx-missing' : 'mx-invalid' };

  const st = readTarget(values, F_ST, problems);
  const tcpPort = readPort(values, F_TCPPORT, 'SSDP_ERR_INVALID_TCPPORT', problems);
  return {
    problems: problems.result(),
    host,
    hostScope,
    man,
    mxRaw,
    mx,
    mxRule,
    st,
    userAgent: values[F_USER_AGENT],
    cpfn: values[F_CPFN],
    cpuuid: values[F_CPUUID],
    tcpPort,
  };
}

/** Header lines as objects, or located in the datagram and materialized on first read. */
export type HeaderSource = readonly SsdpHeader[] | HeaderRanges;

/** What every message class shares: the eager part, the lazily materialized headers and the cached typed view. */
abstract class LazyMessage<T extends { readonly problems: readonly FieldProblem[]; readonly host: string | undefined }> {
  readonly profile: SsdpProfile;
  #headers: HeaderSource;
  #typed: T | undefined;

  constructor(profile: SsdpProfile, source: HeaderSource) {
    this.profile = profile;
    this.#headers = source;
  }

  /** Every header line in wire order (materialized once, on first read). */
  get headers(): readonly SsdpHeader[] {
    const source = this.#headers;
    // Materializing drops the reference to the decoded datagram, which can then be collected.
    return source instanceof HeaderRanges ? (this.#headers = source.materialize()) : source;
  }

  protected abstract computeTyped(): T;

  /** The typed view, computed once. */
  protected get typed(): T {
    return (this.#typed ??= this.computeTyped());
  }

  get problems(): readonly FieldProblem[] {
    return this.typed.problems;
  }

  get host(): string | undefined {
    return this.typed.host;
  }
}

class MSearchMessageImpl extends LazyMessage<MSearchTyped> implements MSearchMessage {
  readonly kind = 'm-search' as const;
  protected computeTyped(): MSearchTyped {
    return mSearchTyped(this.headers, this.profile);
  }
  get hostScope(): HostScope | 'unknown' {
    return this.typed.hostScope;
  }
  get man(): string | undefined {
    return this.typed.man;
  }
  get mxRaw(): string | undefined {
    return this.typed.mxRaw;
  }
  get mx(): number | undefined {
    return this.typed.mx;
  }
  get mxRule(): SearchResponseWindow {
    return this.typed.mxRule;
  }
  get st(): SearchTarget | undefined {
    return this.typed.st;
  }
  get userAgent(): string | undefined {
    return this.typed.userAgent;
  }
  get cpfn(): string | undefined {
    return this.typed.cpfn;
  }
  get cpuuid(): string | undefined {
    return this.typed.cpuuid;
  }
  get tcpPort(): number | undefined {
    return this.typed.tcpPort;
  }
  toJSON(): Record<string, unknown> {
    const { kind, profile, headers } = this;
    return { kind, profile, headers, ...this.typed };
  }
}

/** Search responses and NOTIFYs share one typed view; each exposes its own fields of it. */
abstract class AdvertisementMessage extends LazyMessage<AdvertisementTyped> {
  protected computeTyped(): AdvertisementTyped {
    return advertisementTyped(this.headers);
  }
  get maxAge(): number | undefined {
    return this.typed.maxAge;
  }
  get location(): string | undefined {
    return this.typed.location;
  }
  get server(): string | undefined {
    return this.typed.server;
  }
  get usn(): Usn | undefined {
    return this.typed.usn;
  }
  get bootId(): number | undefined {
    return this.typed.bootId;
  }
  get configId(): number | undefined {
    return this.typed.configId;
  }
  get searchPort(): number | undefined {
    return this.typed.searchPort;
  }
  get secureLocation(): string | undefined {
    return this.typed.secureLocation;
  }
  protected advertisementJson(): Record<string, unknown> {
    const t = this.typed;
    return {
      problems: t.problems,
      host: t.host,
      maxAge: t.maxAge,
      location: t.location,
      server: t.server,
      usn: t.usn,
      bootId: t.bootId,
      configId: t.configId,
      searchPort: t.searchPort,
      secureLocation: t.secureLocation,
    };
  }
}

class SearchResponseMessageImpl extends AdvertisementMessage implements SearchResponseMessage {
  readonly kind = 'search-response' as const;
  get st(): SearchTarget | undefined {
    return this.typed.st;
  }
  get date(): Date | undefined {
    return this.typed.date;
  }
  get ext(): boolean {
    return this.typed.ext;
  }
  toJSON(): Record<string, unknown> {
    const { kind, profile, headers, st, date, ext } = this;
    return { kind, profile, headers, ...this.advertisementJson(), st, date, ext };
  }
}

class NotifyMessageImpl<K extends 'notify-alive' | 'notify-byebye' | 'notify-update', N extends string> extends AdvertisementMessage {
  readonly kind: K;
  readonly nts: N;
  constructor(kind: K, nts: N, profile: SsdpProfile, headers: HeaderSource) {
    super(profile, headers);
    this.kind = kind;
    this.nts = nts;
  }
  get nt(): NotificationType | undefined {
    return this.typed.nt;
  }
  get nextBootId(): number | undefined {
    return this.typed.nextBootId;
  }
  toJSON(): Record<string, unknown> {
    const { kind, profile, headers, nt, nts, nextBootId } = this;
    return { kind, profile, headers, ...this.advertisementJson(), nt, nts, nextBootId };
  }
}

/** Index of the first NTS header (any casing), or -1. */
function findNts(source: HeaderSource): number {
  if (source instanceof HeaderRanges) return source.find('NTS');
  for (let i = 0; i < source.length; i++) {
    const name = source[i]!.name;
    if (name.length === 3 && fieldIdOf(name) === F_NTS) return i;
  }
  return -1;
}

/**
 * @internal Classifies a header list into a message. `headers` is kept by reference (callers hand over a fresh
 * array or range list and never touch it again). Typed fields come from the first occurrence of each known header.
 */
export function buildMessage(start: StartKind, headers: HeaderSource, profile: SsdpProfile): SsdpMessage | BuildFailure {
  if (start === 'm-search') return new MSearchMessageImpl(profile, headers);
  if (start === 'response') return new SearchResponseMessageImpl(profile, headers);
  const ntsIndex = findNts(headers);
  if (ntsIndex < 0) return new BuildFailure('SSDP_ERR_MISSING_HEADER', -1, 'NOTIFY without NTS');
  const raw = headers instanceof HeaderRanges ? headers.value(ntsIndex) : headers[ntsIndex]!.value;
  const nts = unquote(raw).toLowerCase();
  if (nts === 'ssdp:alive') return new NotifyMessageImpl('notify-alive', 'ssdp:alive', profile, headers);
  if (nts === 'ssdp:byebye') return new NotifyMessageImpl('notify-byebye', 'ssdp:byebye', profile, headers);
  if (nts === 'ssdp:update') return new NotifyMessageImpl('notify-update', 'ssdp:update', profile, headers);
  return new BuildFailure('SSDP_ERR_UNKNOWN_NTS', ntsIndex, `unknown NTS ${JSON.stringify(raw.slice(0, 40))}`);
}
