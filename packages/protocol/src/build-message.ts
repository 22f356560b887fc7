// Turns a header block into a message. Shared by parseMessage and the create* constructors, so a constructed
// message and a parsed one can never disagree about their typed fields.
//
// A message keeps its header block as one string plus the positions of the known headers' values, found while
// the block was scanned (see header-index.ts). Classification needs NTS only; each typed field is computed on
// its first read, straight from its value's position (no lookup by name, no slice before validating), and
// cached. `headers` cuts the whole list out on first read; `problems` validates every field.
import { readMaxAge } from './cache-control.ts';
import { equalsLowerAt } from './ascii.ts';
import { readDecimal, readDecimalSaturating } from './decimal.ts';
import type { SsdpErrorCode } from './errors.ts';
import {
  cutValue,
  findHeaderValue,
  hasCr,
  materializeHeaders,
  trimEnd,
  trimStart,
  type FieldSlots,
} from './header-index.ts';
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
  type SsdpHeader,
} from './headers.ts';
import type { HostScope } from './host.ts';
import { readHostScope } from './host.ts';
import { readHttpDate } from './http-date.ts';
import type { FieldProblem, MSearchMessage, SearchResponseMessage, SsdpMessage } from './message.ts';
import { clampMx, UNICAST_RESPONSE_WINDOW_MS, type SearchResponseWindow } from './mx.ts';
import type { SsdpProfile } from './profile.ts';
import { readSearchTarget, type NotificationType, type SearchTarget } from './search-target.ts';
import { MAX_31_BIT, MAX_PORT, MIN_DYNAMIC_PORT } from './upnp-numbers.ts';
import { readUsn, type Usn } from './usn.ts';

/** What the start line said. */
export type StartKind = 'm-search' | 'notify' | 'response';

/** Why {@link buildMessage} could not classify a header block. */
export class BuildFailure {
  constructor(
    readonly code: Extract<SsdpErrorCode, 'SSDP_ERR_MISSING_HEADER' | 'SSDP_ERR_UNKNOWN_NTS'>,
    /** Offset in the block's text of the offending header's value, -1 when the header is missing. */
    readonly at: number,
    readonly message: string,
  ) {}
}

const NO_PROBLEMS: readonly FieldProblem[] = Object.freeze([]);

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

// ---- Field readers: (text, slots, profile, problems?) => value. With `problems` they also report an invalid
// value. They read a value in place; a range that fails and holds a bare CR is read again as the string the
// `headers` list shows (CR as SP, trimmed), so both ways always agree.

/** The value of a known header as a string (see cutValue), or undefined when absent. */
function rawOf(text: string, slots: FieldSlots, field: number): string | undefined {
  const start = slots[field << 1]!;
  return start < 0 ? undefined : cutValue(text, start, slots[(field << 1) + 1]!);
}

function unquote(value: string): string {
  return value.length >= 2 && value.charCodeAt(0) === 0x22 && value.charCodeAt(value.length - 1) === 0x22
    ? value.slice(1, -1)
    : value;
}

/** A decimal in min..max (digits only, leading zeros ignored), or -1 when absent; problems get invalid ones. */
function readNumberField(
  text: string,
  slots: FieldSlots,
  field: number,
  min: number,
  max: number,
  code: SsdpErrorCode,
  problems?: ProblemList,
): number | undefined {
  const rawStart = slots[field << 1]!;
  if (rawStart < 0) return undefined;
  const rawEnd = slots[(field << 1) + 1]!;
  const start = trimStart(text, rawStart, rawEnd);
  const end = trimEnd(text, start, rawEnd);
  let value = readDecimal(text, start, end, max);
  if (value < 0 && hasCr(text, start, end)) {
    const raw = cutValue(text, start, end);
    value = readDecimal(raw, 0, raw.length, max);
  }
  if (value >= min) return value;
  problems?.add(field, code, cutValue(text, start, end));
  return undefined;
}

function readTargetField(
  text: string,
  slots: FieldSlots,
  field: number,
  problems?: ProblemList,
): SearchTarget | undefined {
  const rawStart = slots[field << 1]!;
  if (rawStart < 0) return undefined;
  const rawEnd = slots[(field << 1) + 1]!;
  const start = trimStart(text, rawStart, rawEnd);
  const end = trimEnd(text, start, rawEnd);
  let target = readSearchTarget(text, start, end);
  if (target === undefined && hasCr(text, start, end)) target = readSearchTarget(cutValue(text, start, end));
  // ssdp:all is a search-only target; as NT it is invalid.
  if (target === undefined || (field === F_NT && target.type === 'all')) {
    problems?.add(field, 'SSDP_ERR_INVALID_SEARCH_TARGET', cutValue(text, start, end));
    return undefined;
  }
  return target;
}

function readUsnField(text: string, slots: FieldSlots, problems?: ProblemList): Usn | undefined {
  const rawStart = slots[F_USN << 1]!;
  if (rawStart < 0) return undefined;
  const rawEnd = slots[(F_USN << 1) + 1]!;
  const start = trimStart(text, rawStart, rawEnd);
  const end = trimEnd(text, start, rawEnd);
  let usn = readUsn(text, start, end);
  if (usn === undefined && hasCr(text, start, end)) usn = readUsn(cutValue(text, start, end));
  if (usn === undefined) problems?.add(F_USN, 'SSDP_ERR_INVALID_USN', cutValue(text, start, end));
  return usn;
}

function readHostScopeField(text: string, slots: FieldSlots, problems?: ProblemList): HostScope | 'unknown' {
  const host = rawOf(text, slots, F_HOST);
  if (host === undefined) return 'unknown';
  const scope = readHostScope(host);
  if (scope === undefined) problems?.add(F_HOST, 'SSDP_ERR_INVALID_HOST', host);
  return scope ?? 'unknown';
}

function readManField(text: string, slots: FieldSlots, problems?: ProblemList): string | undefined {
  const raw = rawOf(text, slots, F_MAN);
  if (raw === undefined) return undefined;
  const man = unquote(raw);
  if (problems !== undefined && (man.length !== 13 || !equalsLowerAt(man, 0, 'ssdp:discover')))
    problems.add(F_MAN, 'SSDP_ERR_INVALID_MAN', raw);
  return man;
}

/** MX as an integer ≥ 1 (saturating at 2^31-1), or undefined when absent or invalid. */
function readMxField(text: string, slots: FieldSlots, problems?: ProblemList): number | undefined {
  const rawStart = slots[F_MX << 1]!;
  if (rawStart < 0) return undefined;
  const rawEnd = slots[(F_MX << 1) + 1]!;
  const start = trimStart(text, rawStart, rawEnd);
  const end = trimEnd(text, start, rawEnd);
  let mx = readDecimalSaturating(text, start, end, 2_147_483_647);
  if (mx < 1 && hasCr(text, start, end)) {
    const raw = cutValue(text, start, end);
    mx = readDecimalSaturating(raw, 0, raw.length, 2_147_483_647);
  }
  if (mx >= 1) return mx;
  problems?.add(F_MX, 'SSDP_ERR_INVALID_MX', cutValue(text, start, end));
  return undefined;
}

function readMxRule(text: string, slots: FieldSlots, profile: SsdpProfile): SearchResponseWindow {
  // The prototype broadcasts its search, so a legacy search counts as one-to-many whatever HOST says.
  const multicast = readHostScopeField(text, slots) !== 'unicast' || profile === 'legacy';
  if (!multicast) return { respond: true, maxDelayMs: UNICAST_RESPONSE_WINDOW_MS };
  const mx = readMxField(text, slots);
  if (mx !== undefined) return { respond: true, maxDelayMs: clampMx(mx, profile) * 1000 };
  return { respond: false, reason: slots[F_MX << 1]! < 0 ? 'mx-missing' : 'mx-invalid' };
}

function readMaxAgeField(text: string, slots: FieldSlots, problems?: ProblemList): number | undefined {
  const raw = rawOf(text, slots, F_CACHE_CONTROL);
  if (raw === undefined) return undefined;
  const maxAge = readMaxAge(raw);
  if (maxAge >= 0) return maxAge;
  problems?.add(F_CACHE_CONTROL, 'SSDP_ERR_INVALID_CACHE_CONTROL', raw);
  return undefined;
}

function readDateField(text: string, slots: FieldSlots, problems?: ProblemList): Date | undefined {
  const raw = rawOf(text, slots, F_DATE);
  if (raw === undefined) return undefined;
  const ms = readHttpDate(raw);
  if (!Number.isNaN(ms)) return new Date(ms);
  problems?.add(F_DATE, 'SSDP_ERR_INVALID_DATE', raw);
  return undefined;
}

const readBootId = (text: string, slots: FieldSlots, problems?: ProblemList): number | undefined =>
  readNumberField(text, slots, F_BOOTID, 0, MAX_31_BIT, 'SSDP_ERR_INVALID_BOOTID', problems);
const readConfigId = (text: string, slots: FieldSlots, problems?: ProblemList): number | undefined =>
  readNumberField(text, slots, F_CONFIGID, 0, MAX_31_BIT, 'SSDP_ERR_INVALID_CONFIGID', problems);
const readNextBootId = (text: string, slots: FieldSlots, problems?: ProblemList): number | undefined =>
  readNumberField(text, slots, F_NEXTBOOTID, 0, MAX_31_BIT, 'SSDP_ERR_INVALID_NEXTBOOTID', problems);
const readSearchPort = (text: string, slots: FieldSlots, problems?: ProblemList): number | undefined =>
  readNumberField(text, slots, F_SEARCHPORT, MIN_DYNAMIC_PORT, MAX_PORT, 'SSDP_ERR_INVALID_SEARCHPORT', problems);
const readTcpPort = (text: string, slots: FieldSlots, problems?: ProblemList): number | undefined =>
  readNumberField(text, slots, F_TCPPORT, MIN_DYNAMIC_PORT, MAX_PORT, 'SSDP_ERR_INVALID_TCPPORT', problems);

/** Marks a cached field not computed yet (undefined is a legitimate field value). */
const UNSET: unique symbol = Symbol('unset');
type Cached<T> = T | typeof UNSET;

/** The typed fields of an M-SEARCH once computed; created on the first typed read (a literal: one allocation). */
interface MSearchCache {
  problems: readonly FieldProblem[] | undefined;
  hostScope: Cached<HostScope | 'unknown'>;
  man: Cached<string | undefined>;
  mx: Cached<number | undefined>;
  mxRule: Cached<SearchResponseWindow>;
  st: Cached<SearchTarget | undefined>;
  tcpPort: Cached<number | undefined>;
}

/** The typed fields of a search response or NOTIFY once computed (the kind-specific ones stay UNSET on the other). */
interface AdvertisementCache {
  problems: readonly FieldProblem[] | undefined;
  maxAge: Cached<number | undefined>;
  usn: Cached<Usn | undefined>;
  bootId: Cached<number | undefined>;
  configId: Cached<number | undefined>;
  searchPort: Cached<number | undefined>;
  st: Cached<SearchTarget | undefined>;
  date: Cached<Date | undefined>;
  nt: Cached<NotificationType | undefined>;
  nextBootId: Cached<number | undefined>;
}

/**
 * What every message class shares: the eager part (profile), the header block and the cache of typed fields.
 * They live in private fields, so `Object.keys` and spread see only the plain properties. The constructor
 * stores a handful of fields; the cache object is allocated on the first typed read.
 */
abstract class LazyMessage<C extends { problems: readonly FieldProblem[] | undefined }> {
  readonly profile: SsdpProfile;
  readonly #text: string;
  readonly #slots: FieldSlots;
  readonly #first: number;
  #headers: readonly SsdpHeader[] | undefined;
  #cache: C | undefined;

  constructor(
    profile: SsdpProfile,
    text: string,
    slots: FieldSlots,
    first: number,
    headers: readonly SsdpHeader[] | undefined,
  ) {
    this.profile = profile;
    this.#text = text;
    this.#slots = slots;
    this.#first = first;
    this.#headers = headers;
    this.#cache = undefined;
  }

  /** The text the slots point into. */
  protected get text(): string {
    return this.#text;
  }

  protected get slots(): FieldSlots {
    return this.#slots;
  }

  protected get cache(): C {
    return (this.#cache ??= this.newCache());
  }

  protected abstract newCache(): C;

  /** Every header line in wire order (cut out of the datagram once, on first read). */
  get headers(): readonly SsdpHeader[] {
    return (this.#headers ??= materializeHeaders(this.#text, this.#first));
  }

  /** First value of a header (ASCII case-insensitive), without materializing the header list. */
  header(name: string): string | undefined {
    const field = fieldIdOf(name);
    if (field >= 0) return rawOf(this.#text, this.#slots, field);
    return findHeaderValue(this.#text, this.#first, name);
  }

  /** Runs every validating reader of this kind of message, in the (wire-independent) order problems are listed. */
  protected abstract check(problems: ProblemList): void;

  get problems(): readonly FieldProblem[] {
    const cache = this.cache;
    if (cache.problems === undefined) {
      const problems = new ProblemList();
      this.check(problems);
      cache.problems = problems.result();
    }
    return cache.problems;
  }

  get host(): string | undefined {
    return rawOf(this.#text, this.#slots, F_HOST);
  }
}

class MSearchMessageImpl extends LazyMessage<MSearchCache> implements MSearchMessage {
  readonly kind = 'm-search' as const;

  protected newCache(): MSearchCache {
    return { problems: undefined, hostScope: UNSET, man: UNSET, mx: UNSET, mxRule: UNSET, st: UNSET, tcpPort: UNSET };
  }
  protected check(problems: ProblemList): void {
    const { text, slots } = this;
    readHostScopeField(text, slots, problems);
    readManField(text, slots, problems);
    readMxField(text, slots, problems);
    readTargetField(text, slots, F_ST, problems);
    readTcpPort(text, slots, problems);
  }
  get hostScope(): HostScope | 'unknown' {
    const c = this.cache;
    return c.hostScope === UNSET ? (c.hostScope = readHostScopeField(this.text, this.slots)) : c.hostScope;
  }
  get man(): string | undefined {
    const c = this.cache;
    return c.man === UNSET ? (c.man = readManField(this.text, this.slots)) : c.man;
  }
  get mxRaw(): string | undefined {
    return rawOf(this.text, this.slots, F_MX);
  }
  get mx(): number | undefined {
    const c = this.cache;
    return c.mx === UNSET ? (c.mx = readMxField(this.text, this.slots)) : c.mx;
  }
  get mxRule(): SearchResponseWindow {
    const c = this.cache;
    return c.mxRule === UNSET ? (c.mxRule = readMxRule(this.text, this.slots, this.profile)) : c.mxRule;
  }
  get st(): SearchTarget | undefined {
    const c = this.cache;
    return c.st === UNSET ? (c.st = readTargetField(this.text, this.slots, F_ST)) : c.st;
  }
  get userAgent(): string | undefined {
    return rawOf(this.text, this.slots, F_USER_AGENT);
  }
  get cpfn(): string | undefined {
    return rawOf(this.text, this.slots, F_CPFN);
  }
  get cpuuid(): string | undefined {
    return rawOf(this.text, this.slots, F_CPUUID);
  }
  get tcpPort(): number | undefined {
    const c = this.cache;
    return c.tcpPort === UNSET ? (c.tcpPort = readTcpPort(this.text, this.slots)) : c.tcpPort;
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
abstract class AdvertisementMessage extends LazyMessage<AdvertisementCache> {
  protected newCache(): AdvertisementCache {
    return {
      problems: undefined,
      maxAge: UNSET,
      usn: UNSET,
      bootId: UNSET,
      configId: UNSET,
      searchPort: UNSET,
      st: UNSET,
      date: UNSET,
      nt: UNSET,
      nextBootId: UNSET,
    };
  }
  protected check(problems: ProblemList): void {
    const { text, slots } = this;
    readMaxAgeField(text, slots, problems);
    readDateField(text, slots, problems);
    readTargetField(text, slots, F_ST, problems);
    readTargetField(text, slots, F_NT, problems);
    readUsnField(text, slots, problems);
    readBootId(text, slots, problems);
    readConfigId(text, slots, problems);
    readNextBootId(text, slots, problems);
    readSearchPort(text, slots, problems);
  }
  get maxAge(): number | undefined {
    const c = this.cache;
    return c.maxAge === UNSET ? (c.maxAge = readMaxAgeField(this.text, this.slots)) : c.maxAge;
  }
  get location(): string | undefined {
    return rawOf(this.text, this.slots, F_LOCATION);
  }
  get server(): string | undefined {
    return rawOf(this.text, this.slots, F_SERVER);
  }
  get usn(): Usn | undefined {
    const c = this.cache;
    return c.usn === UNSET ? (c.usn = readUsnField(this.text, this.slots)) : c.usn;
  }
  get bootId(): number | undefined {
    const c = this.cache;
    return c.bootId === UNSET ? (c.bootId = readBootId(this.text, this.slots)) : c.bootId;
  }
  get configId(): number | undefined {
    const c = this.cache;
    return c.configId === UNSET ? (c.configId = readConfigId(this.text, this.slots)) : c.configId;
  }
  get searchPort(): number | undefined {
    const c = this.cache;
    return c.searchPort === UNSET ? (c.searchPort = readSearchPort(this.text, this.slots)) : c.searchPort;
  }
  get secureLocation(): string | undefined {
    return rawOf(this.text, this.slots, F_SECURELOCATION);
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
    const c = this.cache;
    return c.st === UNSET ? (c.st = readTargetField(this.text, this.slots, F_ST)) : c.st;
  }
  get date(): Date | undefined {
    const c = this.cache;
    return c.date === UNSET ? (c.date = readDateField(this.text, this.slots)) : c.date;
  }
  get ext(): boolean {
    return this.slots[F_EXT << 1]! >= 0;
  }
  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      profile: this.profile,
      headers: this.headers,
      ...this.advertisementJson(),
      st: this.st,
      date: this.date,
      ext: this.ext,
    };
  }
}

class NotifyMessageImpl<
  K extends 'notify-alive' | 'notify-byebye' | 'notify-update',
  N extends string,
> extends AdvertisementMessage {
  readonly kind: K;
  readonly nts: N;

  constructor(
    kind: K,
    nts: N,
    profile: SsdpProfile,
    text: string,
    slots: FieldSlots,
    first: number,
    headers: readonly SsdpHeader[] | undefined,
  ) {
    super(profile, text, slots, first, headers);
    this.kind = kind;
    this.nts = nts;
  }
  get nt(): NotificationType | undefined {
    const c = this.cache;
    return c.nt === UNSET
      ? (c.nt = readTargetField(this.text, this.slots, F_NT) as NotificationType | undefined)
      : c.nt;
  }
  get nextBootId(): number | undefined {
    const c = this.cache;
    return c.nextBootId === UNSET ? (c.nextBootId = readNextBootId(this.text, this.slots)) : c.nextBootId;
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

/** 0 alive, 1 byebye, 2 update, -1 other: NTS at `text[start, end)`, optionally quoted, any ASCII case. */
function ntsAt(text: string, start: number, end: number): number {
  if (end - start >= 2 && text.charCodeAt(start) === 0x22 && text.charCodeAt(end - 1) === 0x22) {
    start++;
    end--;
  }
  const length = end - start;
  if (length === 10) return equalsLowerAt(text, start, 'ssdp:alive') ? 0 : -1;
  if (length !== 11) return -1;
  if (equalsLowerAt(text, start, 'ssdp:byebye')) return 1;
  return equalsLowerAt(text, start, 'ssdp:update') ? 2 : -1;
}

/**
 * @internal Classifies a header block into a message: `text` holds the header lines from offset `first` on (for
 * a parsed datagram, the whole decoded datagram), `slots` locate the known headers' values (see FieldSlots),
 * `headers` is the header list when the caller already has it (constructed messages, continuation lines).
 * Nothing is copied: callers hand over fresh objects and never touch them again.
 */
export function buildMessage(
  start: StartKind,
  profile: SsdpProfile,
  text: string,
  slots: FieldSlots,
  first: number,
  headers: readonly SsdpHeader[] | undefined,
): SsdpMessage | BuildFailure {
  if (start === 'm-search') return new MSearchMessageImpl(profile, text, slots, first, headers);
  if (start === 'response') return new SearchResponseMessageImpl(profile, text, slots, first, headers);
  const rawStart = slots[F_NTS << 1]!;
  if (rawStart < 0) return new BuildFailure('SSDP_ERR_MISSING_HEADER', -1, 'NOTIFY without NTS');
  const rawEnd = slots[(F_NTS << 1) + 1]!;
  const ntsStart = trimStart(text, rawStart, rawEnd);
  const ntsEnd = trimEnd(text, ntsStart, rawEnd);
  let nts = ntsAt(text, ntsStart, ntsEnd);
  if (nts < 0 && hasCr(text, ntsStart, ntsEnd)) {
    const raw = cutValue(text, ntsStart, ntsEnd);
    nts = ntsAt(raw, 0, raw.length);
  }
  if (nts === 0) return new NotifyMessageImpl('notify-alive', 'ssdp:alive', profile, text, slots, first, headers);
  if (nts === 1) return new NotifyMessageImpl('notify-byebye', 'ssdp:byebye', profile, text, slots, first, headers);
  if (nts === 2) return new NotifyMessageImpl('notify-update', 'ssdp:update', profile, text, slots, first, headers);
  const raw = cutValue(text, ntsStart, ntsEnd);
  return new BuildFailure('SSDP_ERR_UNKNOWN_NTS', ntsStart, `unknown NTS ${JSON.stringify(raw.slice(0, 40))}`);
}
