// Options of attachWebView: checked and completed with defaults. A wrong option throws InvalidOptionError naming it.
import { isIP } from 'node:net';
import { InvalidOptionError } from '@ssdp/control-point';
import type { HttpGuardOptions } from '@ssdp/http-guard';

export interface WebViewOptions {
  /** Address to listen on. Default 127.0.0.1: only this machine. Anything else makes the page reachable from the network. */
  readonly host?: string;
  /** TCP port. Default 0: a free port (read it from `url`). */
  readonly port?: number;
  /**
   * More host names accepted in the Host header (a DNS name of this machine). The listen address, `localhost`,
   * the loopback addresses and, when listening on all addresses, this machine's addresses are always accepted.
   */
  readonly allowedHosts?: readonly string[];
  /** How often changes are sent to the pages, ms (10..5000). Default 100. */
  readonly flushIntervalMs?: number;
  /** How often lastSeen/expiry are re-read from the control point, ms (250..60000). Default 1000. */
  readonly refreshIntervalMs?: number;
  /** Pages connected at once (live streams); the next one gets 503. Default 32. */
  readonly maxViewers?: number;
  /** Connection caps and deadlines (see @ssdp/http-guard). `requestTimeoutMs` is always 0 here: see README. */
  readonly http?: Omit<HttpGuardOptions, 'requestTimeoutMs'>;
}

export interface ResolvedWebViewOptions {
  readonly host: string;
  readonly port: number;
  readonly allowedHosts: readonly string[];
  readonly flushIntervalMs: number;
  readonly refreshIntervalMs: number;
  readonly maxViewers: number;
  readonly http: HttpGuardOptions;
}

const KNOWN = new Set(['host', 'port', 'allowedHosts', 'flushIntervalMs', 'refreshIntervalMs', 'maxViewers', 'http']);

/** The web view's own defaults for the guard: more connections per source than a device needs (a browser opens six, and tabs add up). */
export const WEB_VIEW_HTTP_DEFAULTS: HttpGuardOptions = Object.freeze({
  maxConnectionsPerSource: 32,
  maxConnections: 128,
  headersTimeoutMs: 5_000,
  idleTimeoutMs: 5_000,
});

function integer(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(name, `expected an integer in ${min}..${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A host name or an IP literal (IPv6 with or without brackets); no port, no path. */
function hostName(name: string, value: unknown): string {
  if (typeof value !== 'string')
    throw new InvalidOptionError(name, `expected a host name or an IP address, got ${JSON.stringify(value)}`);
  const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  if (isIP(bare) !== 0) return bare.toLowerCase();
  if (!/^[a-z0-9]([a-z0-9-]{0,62})(\.[a-z0-9]([a-z0-9-]{0,62}))*\.?$/i.test(bare) || bare.length > 253) {
    throw new InvalidOptionError(name, `expected a host name or an IP address, got ${JSON.stringify(value)}`);
  }
  return bare.toLowerCase().replace(/\.$/, '');
}

export function resolveWebViewOptions(options: WebViewOptions): ResolvedWebViewOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new InvalidOptionError('options', 'expected an object');
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) throw new InvalidOptionError(key, 'unknown option');
  const allowed = options.allowedHosts ?? [];
  if (!Array.isArray(allowed)) throw new InvalidOptionError('allowedHosts', 'expected an array of host names');
  const http = options.http ?? {};
  if (typeof http !== 'object' || http === null || 'requestTimeoutMs' in http) {
    throw new InvalidOptionError(
      'http',
      'expected http-guard options without requestTimeoutMs (the live stream never finishes)',
    );
  }
  return {
    host: options.host === undefined ? '127.0.0.1' : hostName('host', options.host),
    port: integer('port', options.port, 0, 65535, 0),
    allowedHosts: allowed.map((value: unknown) => hostName('allowedHosts', value)),
    flushIntervalMs: integer('flushIntervalMs', options.flushIntervalMs, 10, 5000, 100),
    refreshIntervalMs: integer('refreshIntervalMs', options.refreshIntervalMs, 250, 60_000, 1000),
    maxViewers: integer('maxViewers', options.maxViewers, 1, 1000, 32),
    // The stream is held open for as long as the page is: the per-request deadline is off, and each non-stream
    // response has its own deadline instead (routes.ts).
    http: { ...WEB_VIEW_HTTP_DEFAULTS, ...http, requestTimeoutMs: 0 },
  };
}

/** True for addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare) || bare === '::ffff:127.0.0.1';
}
