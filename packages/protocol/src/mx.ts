import { valueError, valueOk, type ValueResult } from './errors.ts';
import { readDecimalSaturating } from './decimal.ts';
import type { SsdpProfile } from './profile.ts';

/** UDA 1.1/2.0: a device treats an MX above 5 as 5. */
export const MX_MAX_UPNP = 5;
/** UDA 1.0 allowed MX up to 120; the legacy (prototype) profile honours that range. */
export const MX_MAX_LEGACY = 120;
/** UDA: a device answers a unicast M-SEARCH within 1 second. */
export const UNICAST_RESPONSE_WINDOW_MS = 1000;

/** @internal MX as a positive integer (saturating at 2^31-1), or -1 when missing or invalid. */
export function readMx(text: string | undefined): number {
  if (text === undefined) return -1;
  const value = readDecimalSaturating(text, 0, text.length, 2_147_483_647);
  return value >= 1 ? value : -1;
}

/**
 * Parses an MX value: a decimal integer ≥ 1 (digits only, so `-1`, `1.5`, `1e309`, `NaN` and `0` are invalid).
 * Huge digit strings are valid and saturate at 2^31-1; clamp with {@link clampMx}.
 */
export function parseMx(raw: string): ValueResult<number> {
  const mx = readMx(raw.trim());
  return mx >= 1
    ? valueOk(mx)
    : valueError('SSDP_ERR_INVALID_MX', `MX must be an integer ≥ 1: ${JSON.stringify(raw.slice(0, 40))}`);
}

/** Clamps a valid MX to the profile's ceiling: 5 s for `upnp`, 120 s for `legacy`. */
export function clampMx(mx: number, profile: SsdpProfile = 'upnp'): number {
  return Math.min(mx, profile === 'legacy' ? MX_MAX_LEGACY : MX_MAX_UPNP);
}

/** Why a search must not be answered. */
export type SearchDropReason = 'mx-missing' | 'mx-invalid';

/**
 * The decision for one M-SEARCH: answer within `maxDelayMs` (pick a random delay in 0..maxDelayMs and spread
 * multiple responses over it), or drop it silently.
 */
export type SearchResponseWindow =
  | { readonly respond: true; readonly maxDelayMs: number }
  | { readonly respond: false; readonly reason: SearchDropReason };

/** Input of {@link searchResponseWindow}. */
export interface SearchResponseWindowInput {
  /** The MX header as received (string), already parsed (number), or undefined when absent. */
  readonly mx: string | number | undefined;
  /** True for a search sent to a multicast group (or broadcast); false for a unicast search. */
  readonly multicast: boolean;
  /** `upnp` clamps MX to 5 s; `legacy` honours up to 120 s. Default `upnp`. */
  readonly profile?: SsdpProfile;
}

/**
 * The UDA MX rules as one function:
 * - a multicast search without a valid MX (missing, non-integer, < 1, NaN, ±Infinity) is dropped;
 * - a multicast search with a valid MX is answered within `clampMx(mx) * 1000` ms;
 * - a unicast search needs no MX and is answered within 1000 ms.
 */
export function searchResponseWindow(input: SearchResponseWindowInput): SearchResponseWindow {
  if (!input.multicast) return { respond: true, maxDelayMs: UNICAST_RESPONSE_WINDOW_MS };
  const { mx } = input;
  if (mx === undefined) return { respond: false, reason: 'mx-missing' };
  const value = typeof mx === 'number' ? (Number.isInteger(mx) && mx >= 1 ? mx : -1) : readMx(mx.trim());
  if (value < 1) return { respond: false, reason: 'mx-invalid' };
  return { respond: true, maxDelayMs: clampMx(value, input.profile) * 1000 };
}
