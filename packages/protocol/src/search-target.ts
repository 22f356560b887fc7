import { SsdpError, valueError, valueOk, type ValueResult } from './errors.ts';

/** `ssdp:all`: every device and service (valid in ST only). */
export interface AllTarget {
  readonly type: 'all';
}
/** `upnp:rootdevice`. */
export interface RootDeviceTarget {
  readonly type: 'root-device';
}
/** `uuid:<device-UUID>`: one particular device. `uuid` is the part after `uuid:`. */
export interface UuidTarget {
  readonly type: 'uuid';
  readonly uuid: string;
}
/**
 * `urn:<domain>:device:<name>:<version>` or `urn:<domain>:service:<name>:<version>`.
 * `domain` is the URN's domain part as written on the wire: UDA replaces the dots of a vendor domain with
 * hyphens (`schemas-upnp-org`, `example-com`); {@link formatSearchTarget} does that replacement for you.
 */
export interface TypeTarget {
  readonly type: 'device' | 'service';
  readonly domain: string;
  readonly name: string;
  readonly version: number;
}
/** A device type (`urn:…:device:…:v`). */
export type DeviceTypeTarget = TypeTarget & { readonly type: 'device' };
/** A service type (`urn:…:service:…:v`). */
export type ServiceTypeTarget = TypeTarget & { readonly type: 'service' };

/** Value of ST (search target) and NT (notification type), UDA §1.2.2 / §1.3.2. */
export type SearchTarget = AllTarget | RootDeviceTarget | UuidTarget | TypeTarget;

/** NT may be anything an ST may be except `ssdp:all`. */
export type NotificationType = Exclude<SearchTarget, AllTarget>;

const ALL: AllTarget = Object.freeze({ type: 'all' });
const ROOT: RootDeviceTarget = Object.freeze({ type: 'root-device' });

// Each form is one sticky, case-insensitive regular expression that must match the whole range: irregexp checks
// keywords, separators and visible characters in one native pass instead of charCodeAt loops and an indexOf
// per colon. Without the `u` flag, /i folds ASCII letters only (no non-ASCII character folds
// to an ASCII one), exactly the ASCII case-insensitivity UDA's prefixes need. Every pattern is deterministic
// (a greedy match is the only match), so a match that stops short of the range's end proves there is none.
const V = '[^\\x00-\\x20\\x7f:]'; // a visible character other than ':'
/** `urn:domain:device|service:name:version`: domain and name visible, non-empty, without ':'. */
const URN = new RegExp(`urn:${V}+:(?:device|service):${V}+:[0-9]{1,9}`, 'iy');
/** `uuid:X`, X visible, non-empty, without "::" and not ending in ':' ("::" would make a USN ambiguous). */
const UUID = new RegExp(`uuid::?${V}+(?::${V}+)*`, 'iy');
/**
 * A USN of the usual forms (UDA tables 1-1..1-3): `uuid:X`, `uuid:X::upnp:rootdevice`, `uuid:X::urn:…:v`. X as in
 * UUID but it cannot start with ':' either (the first "::" is the separator). Other valid spellings (a quoted
 * target) are left to the general reader.
 */
const USN = new RegExp(
  `uuid:${V}+(?::${V}+)*(?:::(?:upnp:rootdevice|urn:${V}+:(?:device|service):${V}+:[0-9]{1,9}))?`,
  'iy',
);
const ROOT_DEVICE = /upnp:rootdevice/iy;
const SSDP_ALL = /ssdp:all/iy;

/** True when the sticky `pattern` matches exactly `text[start, end)`. */
function matchesRange(pattern: RegExp, text: string, start: number, end: number): boolean {
  pattern.lastIndex = start;
  if (!pattern.test(text)) return false;
  const stop = pattern.lastIndex;
  if (stop <= end) return stop === end;
  // The match ran on past the range (the text goes on with characters the pattern accepts): try the range alone.
  const part = text.slice(start, end);
  pattern.lastIndex = 0;
  return pattern.test(part) && pattern.lastIndex === part.length;
}

/**
 * @internal `text[start, end)` as a USN of the usual forms, found with one native match: the USN, undefined when
 * the match says it is invalid, or null when it is not of the usual forms (the caller reads it the general way).
 */
export function readUsualUsn(
  text: string,
  start: number,
  end: number,
): { uuid: string; target: RootDeviceTarget | TypeTarget | undefined } | undefined | null {
  USN.lastIndex = start;
  if (!USN.test(text) || USN.lastIndex !== end) return null;
  const separator = text.indexOf('::', start + 5);
  if (separator < 0 || separator >= end) return { uuid: text.slice(start + 5, end), target: undefined };
  const uuid = text.slice(start + 5, separator);
  // The target is upnp:rootdevice or urn:…, told apart by their second letter.
  if ((text.charCodeAt(separator + 3) | 0x20) === 0x70 /* p */) return { uuid, target: ROOT };
  const target = typeTargetAt(text, separator + 6, end);
  return target === undefined ? undefined : { uuid, target };
}

/** True when `text[start, end)` is non-empty and holds no blank or control character. */
function isVisibleRange(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return false;
  }
  return true;
}

/** @internal The X of `uuid:X` at `text[start, end)`: visible and not ending in ':' ("::" is checked by the caller). */
export function isUuidBody(text: string, start: number, end: number): boolean {
  return isVisibleRange(text, start, end) && text.charCodeAt(end - 1) !== 0x3a;
}

/** The parts of `text[start, end)`, which {@link URN} matched; start is just past "urn:". */
function typeTargetAt(text: string, start: number, end: number): TypeTarget | undefined {
  const c1 = text.indexOf(':', start);
  const device = (text.charCodeAt(c1 + 1) | 0x20) === 0x64; /* d */
  const c2 = c1 + (device ? 7 : 8);
  const c3 = text.indexOf(':', c2 + 1);
  let version = 0;
  for (let i = c3 + 1; i < end; i++) version = version * 10 + text.charCodeAt(i) - 48;
  if (version < 1) return undefined;
  return { type: device ? 'device' : 'service', domain: text.slice(start, c1), name: text.slice(c2 + 1, c3), version };
}

/** @internal Reads `text[start, end)` as a search target; undefined when it is not one. Quotes are accepted. */
export function readSearchTarget(text: string, start = 0, end = text.length): SearchTarget | undefined {
  if (end - start >= 2 && text.charCodeAt(start) === 0x22 && text.charCodeAt(end - 1) === 0x22) {
    start++;
    end--;
  }
  const length = end - start;
  // Dispatch on the first letters (ASCII, case-folded), so each form is tried once.
  const first = text.charCodeAt(start) | 0x20;
  if (first === 0x75 /* u */) {
    const second = text.charCodeAt(start + 1) | 0x20;
    if (second === 0x72 /* r */)
      return matchesRange(URN, text, start, end) ? typeTargetAt(text, start + 4, end) : undefined;
    if (second === 0x75 /* u */)
      return matchesRange(UUID, text, start, end) ? { type: 'uuid', uuid: text.slice(start + 5, end) } : undefined;
    return length === 15 && matchesRange(ROOT_DEVICE, text, start, end) ? ROOT : undefined;
  }
  if (first === 0x73 /* s */ && length === 8 && matchesRange(SSDP_ALL, text, start, end)) return ALL;
  return undefined;
}

/**
 * Parses an ST or NT value: `ssdp:all`, `upnp:rootdevice`, `uuid:X`, `urn:domain:device:type:v` or
 * `urn:domain:service:type:v`. Prefixes and the `device`/`service` keyword are matched case-insensitively; one
 * pair of surrounding double quotes is accepted (some control points quote ST). Versions are positive integers.
 */
export function parseSearchTarget(raw: string): ValueResult<SearchTarget> {
  const text = raw.trim();
  const target = readSearchTarget(text);
  return target
    ? valueOk(target)
    : valueError('SSDP_ERR_INVALID_SEARCH_TARGET', `not an SSDP search target: ${JSON.stringify(raw.slice(0, 80))}`);
}

function checkPart(value: string, what: string): void {
  if (value.length === 0 || value.includes(':') || !isVisibleRange(value, 0, value.length)) {
    throw new SsdpError(
      'SSDP_ERR_INVALID_ARGUMENT',
      `${what} must be non-empty, without ':' or blanks: ${JSON.stringify(value)}`,
    );
  }
}

/**
 * Formats a search target / notification type in canonical lower-case form. Dots in `domain` are written as
 * hyphens, as UDA requires for vendor domain names.
 * @throws {@link SsdpError} `SSDP_ERR_INVALID_ARGUMENT` for an empty part, a part with ':' or blanks, or a
 *   version that is not a positive integer.
 */
export function formatSearchTarget(target: SearchTarget): string {
  switch (target.type) {
    case 'all':
      return 'ssdp:all';
    case 'root-device':
      return 'upnp:rootdevice';
    case 'uuid': {
      const text = `uuid:${target.uuid}`;
      if (readSearchTarget(text)?.type !== 'uuid') {
        throw new SsdpError('SSDP_ERR_INVALID_ARGUMENT', `not a valid device UUID: ${JSON.stringify(target.uuid)}`);
      }
      return text;
    }
    case 'device':
    case 'service': {
      const domain = target.domain.replaceAll('.', '-');
      checkPart(domain, 'domain');
      checkPart(target.name, `${target.type} type`);
      if (!Number.isSafeInteger(target.version) || target.version < 1 || target.version > 999_999_999) {
        throw new SsdpError('SSDP_ERR_INVALID_ARGUMENT', `version must be a positive integer: ${target.version}`);
      }
      return `urn:${domain}:${target.type}:${target.name}:${target.version}`;
    }
    default:
      throw new SsdpError('SSDP_ERR_INVALID_ARGUMENT', 'unknown search target type');
  }
}

/** Accepts a typed target or a raw string and returns the wire string (raw strings are passed through trimmed). */
export function searchTargetText(target: SearchTarget | string): string {
  return typeof target === 'string' ? target.trim() : formatSearchTarget(target);
}
