// Readers of the known headers' values: (text, slots, problems?) => typed value, or undefined when the header is
// absent or invalid (an invalid one is added to `problems` when given). Each reads its value in place, at the
// position the header scan recorded (see header-index.ts).
import { equalsLowerAt } from './ascii.ts';
import { readMaxAge } from './cache-control.ts';
import { readDecimal, readDecimalSaturating } from './decimal.ts';
import type { SsdpErrorCode } from './errors.ts';
import { cutValue, hasCr, trimEnd, trimStart, type FieldSlots } from './header-index.ts';
import {
  F_BOOTID,
  F_CACHE_CONTROL,
  F_CONFIGID,
  F_DATE,
  F_HOST,
  F_MAN,
  F_MX,
  F_NEXTBOOTID,
  F_NT,
  F_SEARCHPORT,
  F_ST,
  F_TCPPORT,
  F_USN,
  KNOWN_HEADER_NAMES,
} from './headers.ts';
import { readHostScope, type HostScope } from './host.ts';
import { readHttpDate } from './http-date.ts';
import type { FieldProblem } from './message.ts';
import { readSearchTarget, type NotificationType, type SearchTarget } from './search-target.ts';
import { MAX_31_BIT, MAX_PORT, MIN_DYNAMIC_PORT } from './upnp-numbers.ts';
import { readUsn, type Usn } from './usn.ts';

const NO_PROBLEMS: readonly FieldProblem[] = Object.freeze([]);

/** Collects the problems of one message; allocates only when there is one. */
export class ProblemList {
  list: FieldProblem[] | undefined;
  add(field: number, code: SsdpErrorCode, value: string): void {
    (this.list ??= []).push({ header: KNOWN_HEADER_NAMES[field]!, code, value });
  }
  result(): readonly FieldProblem[] {
    return this.list ?? NO_PROBLEMS;
  }
}

/** Reads a trimmed value `text[start, end)`; undefined when it is invalid. */
type ValueReader<T> = (text: string, start: number, end: number) => T | undefined;

/**
 * The typed value of `field`, or undefined when absent or invalid (then listed in `problems` under `code`, when
 * given). A value that fails and holds a bare CR is read again as the string `headers` shows (CR as SP,
 * trimmed), so both ways always agree.
 */
export function readField<T>(
  text: string,
  slots: FieldSlots,
  field: number,
  read: ValueReader<T>,
  code: SsdpErrorCode,
  problems: ProblemList | undefined,
): T | undefined {
  const rawStart = slots[field << 1]!;
  if (rawStart < 0) return undefined;
  const rawEnd = slots[(field << 1) + 1]!;
  const start = trimStart(text, rawStart, rawEnd);
  const end = trimEnd(text, start, rawEnd);
  let value = read(text, start, end);
  if (value === undefined && hasCr(text, start, end)) {
    const raw = cutValue(text, start, end);
    value = read(raw, 0, raw.length);
  }
  if (value === undefined) problems?.add(field, code, cutValue(text, start, end));
  return value;
}

/** The value of a known header as a string (see cutValue), or undefined when absent. */
export function rawOf(text: string, slots: FieldSlots, field: number): string | undefined {
  const start = slots[field << 1]!;
  return start < 0 ? undefined : cutValue(text, start, slots[(field << 1) + 1]!);
}

function unquote(value: string): string {
  return value.length >= 2 && value.charCodeAt(0) === 0x22 && value.charCodeAt(value.length - 1) === 0x22
    ? value.slice(1, -1)
    : value;
}

const uint31: ValueReader<number> = (text, start, end) => {
  const value = readDecimal(text, start, end, MAX_31_BIT);
  return value < 0 ? undefined : value;
};
const dynamicPort: ValueReader<number> = (text, start, end) => {
  const value = readDecimal(text, start, end, MAX_PORT);
  return value < MIN_DYNAMIC_PORT ? undefined : value;
};
/** MX: an integer ≥ 1, saturating at 2^31-1. */
const positive: ValueReader<number> = (text, start, end) => {
  const value = readDecimalSaturating(text, start, end, MAX_31_BIT);
  return value < 1 ? undefined : value;
};
/** ssdp:all is a search-only target; as NT it is invalid. */
const notificationType: ValueReader<NotificationType> = (text, start, end) => {
  const target = readSearchTarget(text, start, end);
  return target === undefined || target.type === 'all' ? undefined : target;
};

export const readSt = (text: string, slots: FieldSlots, problems?: ProblemList): SearchTarget | undefined =>
  readField(text, slots, F_ST, readSearchTarget, 'SSDP_ERR_INVALID_SEARCH_TARGET', problems);
export const readNt = (text: string, slots: FieldSlots, problems?: ProblemList): NotificationType | undefined =>
  readField(text, slots, F_NT, notificationType, 'SSDP_ERR_INVALID_SEARCH_TARGET', problems);
export const readUsnField = (text: string, slots: FieldSlots, problems?: ProblemList): Usn | undefined =>
  readField(text, slots, F_USN, readUsn, 'SSDP_ERR_INVALID_USN', problems);
export const readMxField = (text: string, slots: FieldSlots, problems?: ProblemList): number | undefined =>
  readField(text, slots, F_MX, positive, 'SSDP_ERR_INVALID_MX', problems);
export const readBootId = (text: string, slots: FieldSlots, problems?: ProblemList): number | undefined =>
  readField(text, slots, F_BOOTID, uint31, 'SSDP_ERR_INVALID_BOOTID', problems);
export const readConfigId = (text: string, slots: FieldSlots, problems?: ProblemList): number | undefined =>
  readField(text, slots, F_CONFIGID, uint31, 'SSDP_ERR_INVALID_CONFIGID', problems);
export const readNextBootId = (text: string, slots: FieldSlots, problems?: ProblemList): number | undefined =>
  readField(text, slots, F_NEXTBOOTID, uint31, 'SSDP_ERR_INVALID_NEXTBOOTID', problems);
export const readSearchPort = (text: string, slots: FieldSlots, problems?: ProblemList): number | undefined =>
  readField(text, slots, F_SEARCHPORT, dynamicPort, 'SSDP_ERR_INVALID_SEARCHPORT', problems);
export const readTcpPort = (text: string, slots: FieldSlots, problems?: ProblemList): number | undefined =>
  readField(text, slots, F_TCPPORT, dynamicPort, 'SSDP_ERR_INVALID_TCPPORT', problems);

export function readHostScopeField(text: string, slots: FieldSlots, problems?: ProblemList): HostScope | 'unknown' {
  const host = rawOf(text, slots, F_HOST);
  if (host === undefined) return 'unknown';
  const scope = readHostScope(host);
  if (scope === undefined) problems?.add(F_HOST, 'SSDP_ERR_INVALID_HOST', host);
  return scope ?? 'unknown';
}

/** MAN without its quotes; any value other than ssdp:discover is also a problem. */
export function readMan(text: string, slots: FieldSlots, problems?: ProblemList): string | undefined {
  const raw = rawOf(text, slots, F_MAN);
  if (raw === undefined) return undefined;
  const man = unquote(raw);
  if (problems !== undefined && (man.length !== 13 || !equalsLowerAt(man, 0, 'ssdp:discover')))
    problems.add(F_MAN, 'SSDP_ERR_INVALID_MAN', raw);
  return man;
}

export function readMaxAgeField(text: string, slots: FieldSlots, problems?: ProblemList): number | undefined {
  const raw = rawOf(text, slots, F_CACHE_CONTROL);
  if (raw === undefined) return undefined;
  const maxAge = readMaxAge(raw);
  if (maxAge >= 0) return maxAge;
  problems?.add(F_CACHE_CONTROL, 'SSDP_ERR_INVALID_CACHE_CONTROL', raw);
  return undefined;
}

export function readDateField(text: string, slots: FieldSlots, problems?: ProblemList): Date | undefined {
  const raw = rawOf(text, slots, F_DATE);
  if (raw === undefined) return undefined;
  const ms = readHttpDate(raw);
  if (!Number.isNaN(ms)) return new Date(ms);
  problems?.add(F_DATE, 'SSDP_ERR_INVALID_DATE', raw);
  return undefined;
}
