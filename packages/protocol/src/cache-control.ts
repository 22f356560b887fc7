import { SsdpError, valueError, valueOk, type ValueResult } from './errors.ts';
import { readDecimalSaturating } from './decimal.ts';

/** The part of CACHE-CONTROL that SSDP uses (UDA: other directives must be ignored). */
export interface CacheControl {
  /** Seconds the advertisement stays valid. */
  readonly maxAge: number;
}

/** RFC 9111 §1.2.2: a delta-seconds too large to represent is treated as 2^31. */
export const MAX_AGE_CAP = 2_147_483_648;

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/**
 * @internal Max-age from a CACHE-CONTROL value, or -1. Tolerates blanks around `=` (`max-age = 1800`), a quoted
 * value, any directive order and other directives; the first max-age wins.
 */
export function readMaxAge(text: string): number {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf(',', start);
    if (end < 0) end = text.length;
    let s = start;
    while (s < end && isBlank(text.charCodeAt(s))) s++;
    if (end - s >= 7 && text.slice(s, s + 7).toLowerCase() === 'max-age') {
      let i = s + 7;
      while (i < end && isBlank(text.charCodeAt(i))) i++;
      if (i < end && text.charCodeAt(i) === 0x3d) {
        i++;
        let e = end;
        while (i < e && isBlank(text.charCodeAt(i))) i++;
        while (e > i && isBlank(text.charCodeAt(e - 1))) e--;
        if (e - i >= 2 && text.charCodeAt(i) === 0x22 && text.charCodeAt(e - 1) === 0x22) {
          i++;
          e--;
        }
        return readDecimalSaturating(text, i, e, MAX_AGE_CAP);
      }
    }
    start = end + 1;
  }
  return -1;
}

/** Parses a CACHE-CONTROL value for its `max-age` directive (values above 2^31 saturate at 2^31). */
export function parseCacheControl(raw: string): ValueResult<CacheControl> {
  const maxAge = readMaxAge(raw);
  return maxAge >= 0
    ? valueOk({ maxAge })
    : valueError('SSDP_ERR_INVALID_CACHE_CONTROL', `no valid max-age in ${JSON.stringify(raw.slice(0, 80))}`);
}

/**
 * Formats `max-age=N`.
 * @throws {@link SsdpError} `SSDP_ERR_INVALID_ARGUMENT` unless `maxAge` is an integer in 0..2^31.
 */
export function formatCacheControl(value: CacheControl | number): string {
  const maxAge = typeof value === 'number' ? value : value.maxAge;
  if (!Number.isSafeInteger(maxAge) || maxAge < 0 || maxAge > MAX_AGE_CAP) {
    throw new SsdpError('SSDP_ERR_INVALID_ARGUMENT', `max-age must be an integer in 0..2^31: ${maxAge}`);
  }
  return `max-age=${maxAge}`;
}
