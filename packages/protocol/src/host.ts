import { SsdpError, valueError, valueOk, type ValueResult } from './errors.ts';
import { readDecimal } from './decimal.ts';
import { SSDP_PORT } from './constants.ts';

/** Whether a HOST value names a multicast group (a multicast search) or a single host (a unicast search). */
export type HostScope = 'multicast' | 'unicast';

/** A parsed HOST value. `hostname` has no brackets; `port` defaults to 1900 when omitted (UDA). */
export interface SsdpHost {
  readonly hostname: string;
  readonly port: number;
  readonly scope: HostScope;
}

/** IPv4 224.0.0.0/4 (dotted quad) or IPv6 ff00::/8, for the hostname at `text[start, end)`. */
function isMulticastRange(text: string, start: number, end: number): boolean {
  const colon = text.indexOf(':', start);
  if (colon >= 0 && colon < end) {
    return (text.charCodeAt(start) | 0x20) === 0x66 && (text.charCodeAt(start + 1) | 0x20) === 0x66;
  }
  let first = -1;
  for (let part = 0; part < 4; part++) {
    let dot = text.indexOf('.', start);
    if (dot < 0 || dot > end) dot = end;
    if (part < 3 !== dot < end || dot - start > 3) return false;
    const octet = readDecimal(text, start, dot, 255);
    if (octet < 0) return false;
    if (part === 0) first = octet;
    start = dot + 1;
  }
  return first >= 224 && first <= 239;
}

/** A hostname holds no blanks, controls, '/', '@' or brackets. */
function isValidHostnameRange(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x2f || c === 0x40 || c === 0x5b || c === 0x5d) return false;
  }
  return true;
}

/** Where the hostname and port of a HOST value are, filled in by scanHost on request. */
interface HostBounds {
  start: number;
  end: number;
  port: number;
}

/** Validates a HOST value, optionally recording its bounds; returns its scope, or undefined when malformed. */
function scanHost(text: string, bounds?: HostBounds): HostScope | undefined {
  let start = 0;
  let end = text.length;
  let portStart = -1;
  if (text.charCodeAt(0) === 0x5b /* [ */) {
    const close = text.indexOf(']');
    if (close < 2) return undefined;
    start = 1;
    end = close;
    if (close + 1 < text.length) {
      if (text.charCodeAt(close + 1) !== 0x3a) return undefined;
      portStart = close + 2;
    }
  } else {
    const colon = text.indexOf(':');
    // A second colon means an unbracketed IPv6 literal, which has no port.
    if (colon >= 0 && text.indexOf(':', colon + 1) < 0) {
      end = colon;
      portStart = colon + 1;
    }
  }
  if (!isValidHostnameRange(text, start, end)) return undefined;
  let port = SSDP_PORT;
  if (portStart >= 0) {
    port = readDecimal(text, portStart, text.length, 65535);
    if (port < 1) return undefined;
  }
  if (bounds !== undefined) {
    bounds.start = start;
    bounds.end = end;
    bounds.port = port;
  }
  return isMulticastRange(text, start, end) ? 'multicast' : 'unicast';
}

/** @internal The scope of a HOST value without allocating; undefined when malformed. */
export function readHostScope(text: string): HostScope | undefined {
  return scanHost(text);
}

/** @internal Reads a HOST value; undefined when malformed. */
export function readHost(text: string): SsdpHost | undefined {
  const bounds: HostBounds = { start: 0, end: 0, port: 0 };
  const scope = scanHost(text, bounds);
  return scope === undefined ? undefined : { hostname: text.slice(bounds.start, bounds.end), port: bounds.port, scope };
}

/**
 * Parses a HOST value: `239.255.255.250:1900`, `[FF02::C]:1900`, `192.168.1.20:1900`, `host` (port 1900).
 * `scope` is `multicast` for an IPv4 224/4 or IPv6 ff00::/8 group, otherwise `unicast`.
 */
export function parseHost(raw: string): ValueResult<SsdpHost> {
  const host = readHost(raw.trim());
  return host
    ? valueOk(host)
    : valueError('SSDP_ERR_INVALID_HOST', `not a HOST value: ${JSON.stringify(raw.slice(0, 80))}`);
}

/**
 * Formats `hostname:port`, bracketing IPv6 literals (`[ff02::c]:1900`).
 * @throws {@link SsdpError} `SSDP_ERR_INVALID_ARGUMENT` for an invalid hostname or a port outside 1..65535.
 */
export function formatHost(host: { readonly hostname: string; readonly port?: number }): string {
  const port = host.port ?? SSDP_PORT;
  if (
    !isValidHostnameRange(host.hostname, 0, host.hostname.length) ||
    !Number.isInteger(port) ||
    port < 1 ||
    port > 65535
  ) {
    throw new SsdpError('SSDP_ERR_INVALID_ARGUMENT', `invalid host ${JSON.stringify(host.hostname)}:${port}`);
  }
  return host.hostname.includes(':') ? `[${host.hostname}]:${port}` : `${host.hostname}:${port}`;
}
