// The header table: canonical UDA names, fast case-insensitive lookup, HTTP token rules and the ordered
// raw header list every message carries.

/** One header line as it appeared: the name with its original casing, the value without surrounding blanks. */
export interface SsdpHeader {
  readonly name: string;
  readonly value: string;
}

/**
 * The SSDP header names this package gives typed fields, in their canonical (UDA) spelling. The M-SEARCH headers
 * come first, in the order the prototype sends them (see LEGACY_MSEARCH_HEADER_ORDER).
 */
export const KNOWN_HEADER_NAMES = [
  'HOST',
  'MAN',
  'MX',
  'ST',
  'USER-AGENT',
  'CPFN.UPNP.ORG',
  'CPUUID.UPNP.ORG',
  'TCPPORT.UPNP.ORG',
  'CACHE-CONTROL',
  'DATE',
  'EXT',
  'LOCATION',
  'SERVER',
  'NT',
  'NTS',
  'USN',
  'BOOTID.UPNP.ORG',
  'CONFIGID.UPNP.ORG',
  'NEXTBOOTID.UPNP.ORG',
  'SEARCHPORT.UPNP.ORG',
  'SECURELOCATION.UPNP.ORG',
] as const;

/** A header name with a typed field, in canonical spelling. */
export type KnownHeaderName = (typeof KNOWN_HEADER_NAMES)[number];

// Field ids are indexes into KNOWN_HEADER_NAMES; plain numbers keep the hot path free of string compares.
export const F_HOST = 0;
export const F_MAN = 1;
export const F_MX = 2;
export const F_ST = 3;
export const F_USER_AGENT = 4;
export const F_CPFN = 5;
export const F_CPUUID = 6;
export const F_TCPPORT = 7;
export const F_CACHE_CONTROL = 8;
export const F_DATE = 9;
export const F_EXT = 10;
export const F_LOCATION = 11;
export const F_SERVER = 12;
export const F_NT = 13;
export const F_NTS = 14;
export const F_USN = 15;
export const F_BOOTID = 16;
export const F_CONFIGID = 17;
export const F_NEXTBOOTID = 18;
export const F_SEARCHPORT = 19;
export const F_SECURELOCATION = 20;

// Known names bucketed by length: a lookup is one array index plus a compare or two, with no allocation
// (a Map keyed by freshly sliced strings would hash every name).
const BY_LENGTH: number[][] = [];
KNOWN_HEADER_NAMES.forEach((name, id) => (BY_LENGTH[name.length] ??= []).push(id));

/** ASCII case-insensitive equality with an upper-case `canonical`. */
function equalsCanonical(name: string, canonical: string): boolean {
  for (let i = 0; i < canonical.length; i++) {
    let c = name.charCodeAt(i);
    if (c >= 97 && c <= 122) c -= 32;
    if (c !== canonical.charCodeAt(i)) return false;
  }
  return true;
}

/** Field id of a header name (ASCII case-insensitive), or -1 for a header without a typed field. */
export function fieldIdOf(name: string): number {
  const bucket = BY_LENGTH[name.length];
  if (bucket === undefined) return -1;
  for (let i = 0; i < bucket.length; i++) {
    const id = bucket[i]!;
    const canonical = KNOWN_HEADER_NAMES[id]!;
    if (name === canonical || equalsCanonical(name, canonical)) return id;
  }
  return -1;
}

/** The canonical UDA spelling of a known header name; any other name is returned unchanged. */
export function canonicalHeaderName(name: string): string {
  const id = fieldIdOf(name);
  return id < 0 ? name : KNOWN_HEADER_NAMES[id]!;
}

// RFC 9110 tchar: the characters allowed in a header name (and in a method). 1 = allowed, by char code < 128.
export const TOKEN_CHARS = new Uint8Array(128);
const TCHAR = TOKEN_CHARS;
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
  TCHAR[c.charCodeAt(0)] = 1;
}

/** True when `text[start, end)` is a non-empty RFC 9110 token. */
export function isTokenRange(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || TCHAR[c] === 0) return false;
  }
  return true;
}

/** True when `name` is a valid header name (an RFC 9110 token). */
export function isValidHeaderName(name: string): boolean {
  return isTokenRange(name, 0, name.length);
}

/** Removes leading and trailing SP and HTAB only (HTTP's OWS), unlike String#trim. */
export function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isOws(value.charCodeAt(start))) start++;
  while (end > start && isOws(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/** SP or HTAB. */
export function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** ASCII case-insensitive equality of two names. */
export function sameName(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  if (a === b) return true;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x >= 97 && x <= 122) x -= 32;
    if (y >= 97 && y <= 122) y -= 32;
    if (x !== y) return false;
  }
  return true;
}

/**
 * The first value of a header (ASCII case-insensitive), or undefined. Works on a plain message and on a view (see
 * `parseMessageView`), where it reads the one header without cutting the whole header list out of the datagram.
 */
export function getHeader(
  message: { readonly headers: readonly SsdpHeader[]; header?(name: string): string | undefined },
  name: string,
): string | undefined {
  if (typeof message.header === 'function') return message.header(name);
  for (const header of message.headers) {
    if (sameName(header.name, name)) return header.value;
  }
  return undefined;
}

/** Every value of a header (ASCII case-insensitive), in wire order; empty when absent. */
export function getHeaders(message: { readonly headers: readonly SsdpHeader[] }, name: string): string[] {
  const values: string[] = [];
  for (const header of message.headers) {
    if (sameName(header.name, name)) values.push(header.value);
  }
  return values;
}
