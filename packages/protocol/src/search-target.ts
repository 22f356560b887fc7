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

/** True when `text[start, end)` is non-empty and holds no blank or control character. */
function isVisibleRange(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return false;
  }
  return true;
}

function startsWithIgnoreCase(text: string, start: number, prefix: string): boolean {
  if (text.startsWith(prefix, start)) return true; // the usual lower-case spelling, natively
  if (text.length - start < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    // ASCII-only fold (A-Z to a-z): prefixes are lower-case letters and punctuation.
    let c = text.charCodeAt(start + i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== prefix.charCodeAt(i)) return false;
  }
  return true;
}

/** A positive decimal version (digits only, at most 9 of them), or -1. */
function readVersion(text: string, start: number, end: number): number {
  if (end <= start || end - start > 9) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value >= 1 ? value : -1;
}

/**
 * @internal True when `text[start, end)` is `uuid:X` (prefix case-insensitive) with X non-empty, visible,
 * without "::" (it would make the USN form ambiguous) and not ending in ':'.
 */
export function isUuidRange(text: string, end: number, start = 0): boolean {
  if (end - start <= 5 || !startsWithIgnoreCase(text, start, 'uuid:') || !isVisibleRange(text, start + 5, end)) return false;
  if (text.charCodeAt(end - 1) === 0x3a) return false;
  const doubleColon = text.indexOf('::', start + 5);
  return doubleColon < 0 || doubleColon + 1 >= end;
}

/** `urn:domain:device|service:name:version` in `text[start, end)` (start just past "urn:"), or undefined. */
function readTypeTarget(text: string, start: number, end: number): TypeTarget | undefined {
  const c1 = text.indexOf(':', start);
  if (c1 < 0 || c1 >= end) return undefined;
  const c2 = text.indexOf(':', c1 + 1);
  if (c2 < 0 || c2 >= end) return undefined;
  const c3 = text.indexOf(':', c2 + 1);
  if (c3 < 0 || c3 >= end) return undefined;
  const extra = text.indexOf(':', c3 + 1);
  if (extra >= 0 && extra < end) return undefined;
  const kindLength = c2 - c1 - 1;
  let type: 'device' | 'service';
  if (kindLength === 6 && startsWithIgnoreCase(text, c1 + 1, 'device')) type = 'device';
  else if (kindLength === 7 && startsWithIgnoreCase(text, c1 + 1, 'service')) type = 'service';
  else return undefined;
  if (!isVisibleRange(text, start, c1) || !isVisibleRange(text, c2 + 1, c3)) return undefined;
  const version = readVersion(text, c3 + 1, end);
  if (version < 0) return undefined;
  return { type, domain: text.slice(start, c1), name: text.slice(c2 + 1, c3), version };
}

/** @internal Reads `text[start, end)` as a search target; undefined when it is not one. Quotes are accepted. */
export function readSearchTarget(text: string, start = 0, end = text.length): SearchTarget | undefined {
  if (end - start >= 2 && text.charCodeAt(start) === 0x22 && text.charCodeAt(end - 1) === 0x22) {
    start++;
    end--;
  }
  const length = end - start;
  // Dispatch on the first letter (ASCII, case-folded), so each form is tried once.
  const first = text.charCodeAt(start) | 0x20;
  if (first === 0x75 /* u */) {
    const second = text.charCodeAt(start + 1) | 0x20;
    if (second === 0x72 /* r */) return startsWithIgnoreCase(text, start, 'urn:') ? readTypeTarget(text, start + 4, end) : undefined;
    if (second === 0x75 /* u */) return isUuidRange(text, end, start) ? { type: 'uuid', uuid: text.slice(start + 5, end) } : undefined;
    return length === 15 && startsWithIgnoreCase(text, start, 'upnp:rootdevice') ? ROOT : undefined;
  }
  if (first === 0x73 /* s */ && length === 8 && startsWithIgnoreCase(text, start, 'ssdp:all')) return ALL;
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
    throw new SsdpError('SSDP_ERR_INVALID_ARGUMENT', `${what} must be non-empty, without ':' or blanks: ${JSON.stringify(value)}`);
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
