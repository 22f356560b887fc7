// Options of guardHttpServer: defaults and validation. A wrong value throws HttpGuardError at once, so a typo in a
// limit can never leave a server silently unprotected.
import type { HttpDropReason } from './drop-reasons.ts';
import { HttpGuardError } from './errors.ts';

export interface HttpGuardOptions {
  /** Concurrent TCP connections one remote address may hold. Integer ≥ 1. */
  readonly maxConnectionsPerSource?: number;
  /** Concurrent TCP connections in all. Integer ≥ 1. At the cap the biggest holder loses its newest connection. */
  readonly maxConnections?: number;
  /** A request's headers must be complete this long after the connection opened (or after its first byte, for a
   * later request on a kept-alive connection). 0 = off. */
  readonly headersTimeoutMs?: number;
  /** A response must have finished this long after its request's headers arrived. 0 = off. */
  readonly requestTimeoutMs?: number;
  /** A kept-alive connection may sit this long after a response with no byte of a next request. 0 = off. */
  readonly idleTimeoutMs?: number;
  /** Called once per connection the guard closes. Exceptions it throws are swallowed. */
  readonly onDrop?: (reason: HttpDropReason, remoteAddress: string) => void;
}

export interface HttpGuardLimits {
  readonly maxConnectionsPerSource: number;
  readonly maxConnections: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly idleTimeoutMs: number;
}

export const HTTP_GUARD_DEFAULTS: HttpGuardLimits = Object.freeze({
  maxConnectionsPerSource: 8,
  maxConnections: 256,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  idleTimeoutMs: 5_000,
});

/** The largest timeout accepted: the largest delay a Node timer can hold (about 24.8 days). */
export const MAX_TIMEOUT_MS = 2_147_483_647;

const COUNTS = ['maxConnectionsPerSource', 'maxConnections'] as const;
const TIMEOUTS = ['headersTimeoutMs', 'requestTimeoutMs', 'idleTimeoutMs'] as const;
const KNOWN = new Set<string>([...COUNTS, ...TIMEOUTS, 'onDrop']);

function fail(message: string): never {
  throw new HttpGuardError('SSDP_ERR_HTTP_GUARD_OPTION', message);
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

export function resolveHttpGuardOptions(options: HttpGuardOptions | undefined): {
  limits: HttpGuardLimits;
  onDrop: HttpGuardOptions['onDrop'];
} {
  if (options === undefined) return { limits: HTTP_GUARD_DEFAULTS, onDrop: undefined };
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    fail(`http-guard options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) fail(`unknown http-guard option "${key}" (known: ${[...KNOWN].join(', ')})`);
  }
  const limits: Record<keyof HttpGuardLimits, number> = { ...HTTP_GUARD_DEFAULTS };
  for (const key of COUNTS) {
    const value: unknown = options[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      fail(`http-guard option ${key} must be an integer ≥ 1, got ${describe(value)}`);
    }
    limits[key] = value;
  }
  for (const key of TIMEOUTS) {
    const value: unknown = options[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_TIMEOUT_MS) {
      fail(
        `http-guard option ${key} must be an integer number of milliseconds in 0..${MAX_TIMEOUT_MS} (0 = off), got ${describe(value)}`,
      );
    }
    limits[key] = value;
  }
  const onDrop: unknown = options.onDrop;
  if (onDrop !== undefined && typeof onDrop !== 'function') {
    fail(`http-guard option onDrop must be a function, got ${describe(onDrop)}`);
  }
  return { limits: Object.freeze(limits), onDrop: onDrop as HttpGuardOptions['onDrop'] };
}
