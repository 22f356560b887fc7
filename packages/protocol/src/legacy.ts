// The original Python prototype's dialect (controller.py / smart_device.py). It reads headers by line
// position: the device takes MX from line 4 and USER-AGENT from line 6 of an M-SEARCH, the controller takes
// SERVER from line 7 of the NOTIFY reply (lines counted from 1, the start line being line 1).
import { KNOWN_HEADER_NAMES, canonicalHeaderName, type KnownHeaderName, type SsdpHeader } from './headers.ts';
import type { SsdpMessageKind } from './message.ts';

/** Header order of the prototype's M-SEARCH: the known names start with the M-SEARCH headers in that order. */
export const LEGACY_MSEARCH_HEADER_ORDER: readonly KnownHeaderName[] = Object.freeze(
  KNOWN_HEADER_NAMES.slice(0, KNOWN_HEADER_NAMES.indexOf('TCPPORT.UPNP.ORG')),
);

/** Header order of the prototype's NOTIFY (its device answers a search with a unicast NOTIFY ssdp:alive). */
export const LEGACY_NOTIFY_HEADER_ORDER: readonly KnownHeaderName[] = Object.freeze([
  'HOST',
  'CACHE-CONTROL',
  'LOCATION',
  'NT',
  'NTS',
  'SERVER',
  'USN',
  'BOOTID.UPNP.ORG',
  'CONFIGID.UPNP.ORG',
  'SEARCHPORT.UPNP.ORG',
]);

/** 1-based line numbers at which the prototype reads values (its `split("\r\n")` index + 1). */
export const LEGACY_LINE = Object.freeze({ MX: 4, USER_AGENT: 6, SERVER: 7 });

function legacyOrder(kind: SsdpMessageKind): readonly string[] | undefined {
  if (kind === 'm-search') return LEGACY_MSEARCH_HEADER_ORDER;
  if (kind === 'search-response') return undefined; // the prototype never sends one
  return LEGACY_NOTIFY_HEADER_ORDER;
}

/**
 * @internal Headers in legacy order: the prototype's headers first in its order, then the rest in their
 * original order (Array#sort is stable, so duplicates keep their relative order too).
 */
export function reorderForLegacy(kind: SsdpMessageKind, headers: readonly SsdpHeader[]): readonly SsdpHeader[] {
  const order = legacyOrder(kind);
  if (order === undefined) return headers;
  // Rank each header once (a comparator would canonicalize both names on every comparison).
  const ranks = headers.map((header) => {
    const index = order.indexOf(canonicalHeaderName(header.name));
    return index < 0 ? order.length : index;
  });
  return headers
    .map((_, i) => i)
    .sort((a, b) => ranks[a]! - ranks[b]! || a - b)
    .map((i) => headers[i]!);
}
