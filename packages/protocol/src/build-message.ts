// Turns an ordered header list into a message. Shared by parseMessage and the create* constructors, so a
// constructed message and a parsed one can never disagree about their typed fields.
//
// parseMessage must cost no more than "decode + split lines", so classification is all that happens eagerly
// (it needs NTS only). Each typed field is computed on its first read and cached: it looks up its own header
// in the datagram's offsets and cuts out just that value; `problems` validates every field. Reading NT and
// USN therefore costs two lookups and two small parses, not the whole view.
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
  KNOWN_HEADER_NAMES,
  fieldIdOf,
  sameName,
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

/** Header lines as objects, or located in the datagram and materialized on first read. */
export type HeaderSource = readonly SsdpHeader[] | HeaderRanges;

const NO_PROBLEMS: readonly FieldProblem[] = Object.freeze([]);

/**
 * Where typed fields read from. Nothing is indexed up front: a field looks up its own header when first read
 * (and caches its parsed result), and only that value is cut out of the datagram.
 */
type Values = HeaderSource;

/** Index of the first header of a known field, or -1. */
function indexOf(source: Values, field: number): number {
  if (source instanceof HeaderRanges) return source.find(KNOWN_HEADER_NAMES[field]!);
  for (let i = 0; i < source.length; i++) if (fieldIdOf(source[i]!.name) === field) return i;
  return -1;
}

/** The first value of a known header, or undefined. */
function valueOf(source: Values, field: number): string | undefined {
  const index = indexOf(source, field);
  if (index < 0) return undefined;
  return source instanceof HeaderRanges ? source.value(index) : source[index]!.value;
}

function hasValue(values: Values, field: number): boolean {
  return indexOf(values, field) >= 0;
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

// ---- Field readers: (values, profile, problems?) => value. With `problems` they also report an invalid value.

type FieldReader<V> = (values: Values, profile: SsdpProfile, problems?: ProblemList) => V;

function readId(values: Values, field: number, code: SsdpErrorCode, problems?: ProblemList): number | undefined {
  const raw = valueOf(values, field);
  if (raw === undefined) return undefined;
  const value = readRanged(raw, 0, MAX_31_BIT);
  if (value >= 0) return value;
  problems?.add(field, code, raw);
  return undefined;
}

function readPort(values: Values, field: number, code: SsdpErrorCode, problems?: ProblemList): number | undefined {
  const raw = valueOf(values, field);
  if (raw === undefined) return undefined;
  const value = readRanged(raw, MIN_DYNAMIC_PORT, MAX_PORT);
  if (value >= 0) return value;
  problems?.add(field, code, raw);
  return undefined;
}

function readTarget(values: Values, field: number, problems?: ProblemList): SearchTarget | undefined {
  const raw = valueOf(values, field);
  if (raw === undefined) return undefined;
  const target = readSearchTarget(raw);
  // ssdp:all is a search-only target; as NT it is invalid.
  if (target === undefined || (field === F_NT && target.type === 'all')) {
    problems?.add(field, 'SSDP_ERR_INVALID_SEARCH_TARGET', raw);
    return undefined;
  }
  return target;
}

const readHostScopeField: FieldReader<HostScope | 'unknown'> = (values, _profile, problems) => {
  const host = valueOf(values, F_HOST);
  if (host === undefined) return 'unknown';
  const scope = readHostScope(host);
  if (scope === undefined) problems?.add(F_HOST, 'SSDP_ERR_INVALID_HOST', host);
  return scope ?? 'unknown';
};

const readManField: FieldReader<string | undefined> = (values, _profile, problems) => {
  const raw = valueOf(values, F_MAN);
  if (raw === undefined) return undefined;
  const man = unquote(raw);
  if (man.toLowerCase() !== 'ssdp:discover') problems?.add(F_MAN, 'SSDP_ERR_INVALID_MAN', raw);
  return man;
};

const readMxField: FieldReader<number | undefined> = (values, _profile, problems) => {
  const raw = valueOf(values, F_MX);
  const mx = readMx(raw);
  if (mx >= 1) return mx;
  if (raw !== undefined) problems?.add(F_MX, 'SSDP_ERR_INVALID_MX', raw);
  return undefined;
};

const readMxRuleField: FieldReader<SearchResponseWindow> = (values, profile) => {
  // The prototype broadcasts its search, so a legacy search counts as one-to-many whatever HOST says.
  const multicast = readHostScopeField(values, profile) !== 'unicast' || profile === 'legacy';
  if (!multicast) return { respond: true, maxDelayMs: UNICAST_RESPONSE_WINDOW_MS };
  const mx = readMxField(values, profile);
  if (mx !== undefined) return { respond: true, maxDelayMs: clampMx(mx, profile) * 1000 };
  return { respond: false, reason: !hasValue(values, F_MX) ? 'mx-missing' : 'mx-invalid' };
};

const readStField: FieldReader<SearchTarget | undefined> = (values, _profile, problems) => readTarget(values, F_ST, problems);
const readNtField: FieldReader<NotificationType | undefined> = (values, _profile, problems) =>
  readTarget(values, F_NT, problems) as NotificationType | undefined;
const readTcpPortField: FieldReader<number | undefined> = (values, _profile, problems) =>
  readPort(values, F_TCPPORT, 'SSDP_ERR_INVALID_TCPPORT', problems);
const readSearchPortField: FieldReader<number | undefined> = (values, _profile, problems) =>
  readPort(values, F_SEARCHPORT, 'SSDP_ERR_INVALID_SEARCHPORT', problems);
const readBootIdField: FieldReader<number | undefined> = (values, _profile, problems) =>
  readId(values, F_BOOTID, 'SSDP_ERR_INVALID_BOOTID', problems);
const readConfigIdField: FieldReader<number | undefined> = (values, _profile, problems) =>
  readId(values, F_CONFIGID, 'SSDP_ERR_INVALID_CONFIGID', problems);
const readNextBootIdField: FieldReader<number | undefined> = (values, _profile, problems) =>
  readId(values, F_NEXTBOOTID, 'SSDP_ERR_INVALID_NEXTBOOTID', problems);

const readMaxAgeField: FieldReader<number | undefined> = (values, _profile, problems) => {
  const raw = valueOf(values, F_CACHE_CONTROL);
  if (raw === undefined) return undefined;
  const maxAge = readMaxAge(raw);
  if (maxAge >= 0) return maxAge;
  problems?.add(F_CACHE_CONTROL, 'SSDP_ERR_INVALID_CACHE_CONTROL', raw);
  return undefined;
};

const readDateField: FieldReader<Date | undefined> = (values, _profile, problems) => {
  const raw = valueOf(values, F_DATE);
  if (raw === undefined) return undefined;
  const ms = readHttpDate(raw);
  if (!Number.isNaN(ms)) return new Date(ms);
  problems?.add(F_DATE, 'SSDP_ERR_INVALID_DATE', raw);
  return undefined;
};

const readUsnField: FieldReader<Usn | undefined> = (values, _profile, problems) => {
  const raw = valueOf(values, F_USN);
  if (raw === undefined) return undefined;
  const usn = readUsn(raw);
  if (usn === undefined) problems?.add(F_USN, 'SSDP_ERR_INVALID_USN', raw);
  return usn;
};

/** The validating readers of each message family, in the (wire-independent) order problems are listed. */
const MSEARCH_CHECKS: readonly FieldReader<unknown>[] = [readHostScopeField, readManField, readMxField, readStField, readTcpPortField];
const ADVERTISEMENT_CHECKS: readonly FieldReader<unknown>[] = [
  readMaxAgeField,
  readDateField,
  readStField,
  readNtField,
  readUsnField,
  readBootIdField,
  readConfigIdField,
  readNextBootIdField,
  readSearchPortField,
];

/** Marks a cached field not computed yet (undefined is a legitimate field value). */
const UNSET: unique symbol = Symbol('unset');
type Cached<T> = T | typeof UNSET;

/**
 * The lazily computed part of a message: where the known headers are, the validated problems and one cache slot
 * per typed field (UNSET until first read). Created on the first typed read, so parsing allocates none of it.
 */
interface TypedState {
  readonly values: Values;
  problems: readonly FieldProblem[] | undefined;
  hostScope: Cached<HostScope | 'unknown'>;
  man: Cached<string | undefined>;
  mx: Cached<number | undefined>;
  mxRule: Cached<SearchResponseWindow>;
  st: Cached<SearchTarget | undefined>;
  tcpPort: Cached<number | undefined>;
  maxAge: Cached<number | undefined>;
  usn: Cached<Usn | undefined>;
  bootId: Cached<number | undefined>;
  configId: Cached<number | undefined>;
  searchPort: Cached<number | undefined>;
  date: Cached<Date | undefined>;
  nt: Cached<NotificationType | undefined>;
  nextBootId: Cached<number | undefined>;
}

function createTypedState(source: HeaderSource): TypedState {
  return {
    values: source,
    problems: undefined,
    hostScope: UNSET,
    man: UNSET,
    mx: UNSET,
    mxRule: UNSET,
    st: UNSET,
    tcpPort: UNSET,
    maxAge: UNSET,
    usn: UNSET,
    bootId: UNSET,
    configId: UNSET,
    searchPort: UNSET,
    date: UNSET,
    nt: UNSET,
    nextBootId: UNSET,
  };
}

/** What every message class shares: the eager part, the lazily materialized headers and the typed state. */
abstract class LazyMessage {
  readonly profile: SsdpProfile;
  #headers: HeaderSource;
  #state: TypedState | undefined;

  constructor(profile: SsdpProfile, source: HeaderSource) {
    this.profile = profile;
    this.#headers = source;
  }

  /** Every header line in wire order (materialized once, on first read). */
  get headers(): readonly SsdpHeader[] {
    const source = this.#headers;
    // Materializing drops this reference to the decoded datagram (the typed state may still hold it).
    return source instanceof HeaderRanges ? (this.#headers = source.materialize()) : source;
  }

  /** First value of a header (ASCII case-insensitive), without materializing the header list. */
  header(name: string): string | undefined {
    const source = this.#headers;
    if (source instanceof HeaderRanges) {
      const index = source.find(name);
      return index < 0 ? undefined : source.value(index);
    }
    for (const header of source) if (sameName(header.name, name)) return header.value;
    return undefined;
  }

  /** The typed state, created on first use. */
  protected get state(): TypedState {
    return (this.#state ??= createTypedState(this.#headers));
  }

  protected abstract readonly checks: readonly FieldReader<unknown>[];

  get problems(): readonly FieldProblem[] {
    const state = this.state;
    if (state.problems === undefined) {
      const problems = new ProblemList();
      for (const check of this.checks) check(state.values, this.profile, problems);
      state.problems = problems.result();
    }
    return state.problems;
  }

  get host(): string | undefined {
    return valueOf(this.state.values, F_HOST);
  }
}

class MSearchMessageImpl extends LazyMessage implements MSearchMessage {
  readonly kind = 'm-search' as const;

  protected get checks(): readonly FieldReader<unknown>[] {
    return MSEARCH_CHECKS;
  }
  get hostScope(): HostScope | 'unknown' {
    const s = this.state;
    return s.hostScope === UNSET ? (s.hostScope = readHostScopeField(s.values, this.profile)) : s.hostScope;
  }
  get man(): string | undefined {
    const s = this.state;
    return s.man === UNSET ? (s.man = readManField(s.values, this.profile)) : s.man;
  }
  get mxRaw(): string | undefined {
    return valueOf(this.state.values, F_MX);
  }
  get mx(): number | undefined {
    const s = this.state;
    return s.mx === UNSET ? (s.mx = readMxField(s.values, this.profile)) : s.mx;
  }
  get mxRule(): SearchResponseWindow {
    const s = this.state;
    return s.mxRule === UNSET ? (s.mxRule = readMxRuleField(s.values, this.profile)) : s.mxRule;
  }
  get st(): SearchTarget | undefined {
    const s = this.state;
    return s.st === UNSET ? (s.st = readStField(s.values, this.profile)) : s.st;
  }
  get userAgent(): string | undefined {
    return valueOf(this.state.values, F_USER_AGENT);
  }
  get cpfn(): string | undefined {
    return valueOf(this.state.values, F_CPFN);
  }
  get cpuuid(): string | undefined {
    return valueOf(this.state.values, F_CPUUID);
  }
  get tcpPort(): number | undefined {
    const s = this.state;
    return s.tcpPort === UNSET ? (s.tcpPort = readTcpPortField(s.values, this.profile)) : s.tcpPort;
  }
  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      profile: this.profile,
      headers: this.headers,
      problems: this.problems,
      host: this.host,
      hostScope: this.hostScope,
      man: this.man,
      mxRaw: this.mxRaw,
      mx: this.mx,
      mxRule: this.mxRule,
      st: this.st,
      userAgent: this.userAgent,
      cpfn: this.cpfn,
      cpuuid: this.cpuuid,
      tcpPort: this.tcpPort,
    };
  }
}

/** Search responses and NOTIFYs share their advertisement fields. */
abstract class AdvertisementMessage extends LazyMessage {
  protected get checks(): readonly FieldReader<unknown>[] {
    return ADVERTISEMENT_CHECKS;
  }
  get maxAge(): number | undefined {
    const s = this.state;
    return s.maxAge === UNSET ? (s.maxAge = readMaxAgeField(s.values, this.profile)) : s.maxAge;
  }
  get location(): string | undefined {
    return valueOf(this.state.values, F_LOCATION);
  }
  get server(): string | undefined {
    return valueOf(this.state.values, F_SERVER);
  }
  get usn(): Usn | undefined {
    const s = this.state;
    return s.usn === UNSET ? (s.usn = readUsnField(s.values, this.profile)) : s.usn;
  }
  get bootId(): number | undefined {
    const s = this.state;
    return s.bootId === UNSET ? (s.bootId = readBootIdField(s.values, this.profile)) : s.bootId;
  }
  get configId(): number | undefined {
    const s = this.state;
    return s.configId === UNSET ? (s.configId = readConfigIdField(s.values, this.profile)) : s.configId;
  }
  get searchPort(): number | undefined {
    const s = this.state;
    return s.searchPort === UNSET ? (s.searchPort = readSearchPortField(s.values, this.profile)) : s.searchPort;
  }
  get secureLocation(): string | undefined {
    return valueOf(this.state.values, F_SECURELOCATION);
  }
  protected advertisementJson(): Record<string, unknown> {
    return {
      problems: this.problems,
      host: this.host,
      maxAge: this.maxAge,
      location: this.location,
      server: this.server,
      usn: this.usn,
      bootId: this.bootId,
      configId: this.configId,
      searchPort: this.searchPort,
      secureLocation: this.secureLocation,
    };
  }
}

class SearchResponseMessageImpl extends AdvertisementMessage implements SearchResponseMessage {
  readonly kind = 'search-response' as const;
  get st(): SearchTarget | undefined {
    const s = this.state;
    return s.st === UNSET ? (s.st = readStField(s.values, this.profile)) : s.st;
  }
  get date(): Date | undefined {
    const s = this.state;
    return s.date === UNSET ? (s.date = readDateField(s.values, this.profile)) : s.date;
  }
  get ext(): boolean {
    return hasValue(this.state.values, F_EXT);
  }
  toJSON(): Record<string, unknown> {
    return { kind: this.kind, profile: this.profile, headers: this.headers, ...this.advertisementJson(), st: this.st, date: this.date, ext: this.ext };
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
    const s = this.state;
    return s.nt === UNSET ? (s.nt = readNtField(s.values, this.profile)) : s.nt;
  }
  get nextBootId(): number | undefined {
    const s = this.state;
    return s.nextBootId === UNSET ? (s.nextBootId = readNextBootIdField(s.values, this.profile)) : s.nextBootId;
  }
  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      profile: this.profile,
      headers: this.headers,
      ...this.advertisementJson(),
      nt: this.nt,
      nts: this.nts,
      nextBootId: this.nextBootId,
    };
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
