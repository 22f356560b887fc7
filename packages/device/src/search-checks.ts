// The UDA 1.1 §1.3.2 header rules an M-SEARCH must meet before the device matches it: MAN is required (multicast
// and unicast alike) with the value "ssdp:discover" (the prototype's unquoted form is accepted; the parser strips
// the quotes), HOST is required, and the MX rule gives the response window or a drop.
import { getHeader, searchResponseWindow, type MSearchMessage, type SsdpProfile } from '@ssdp/protocol';
import type { DropReason } from './events.ts';

export type SearchCheck =
  | { readonly respond: true; readonly windowMs: number }
  | { readonly respond: false; readonly reason: DropReason; readonly detail: string };

const DETAIL_CHARS = 40;

export function checkSearch(message: MSearchMessage, multicast: boolean, profile: SsdpProfile): SearchCheck {
  const man = message.man;
  if (man === undefined) return { respond: false, reason: 'search-bad-man', detail: 'no MAN' };
  if (man.toLowerCase() !== 'ssdp:discover')
    return { respond: false, reason: 'search-bad-man', detail: `MAN ${JSON.stringify(man.slice(0, DETAIL_CHARS))}` };
  // hostScope is 'unknown' for an absent or unreadable HOST; only an absent one is refused.
  if (message.hostScope === 'unknown' && getHeader(message, 'HOST') === undefined)
    return { respond: false, reason: 'search-no-host', detail: 'no HOST' };
  const window = searchResponseWindow({ mx: message.mxRaw, multicast, profile });
  if (window.respond) return { respond: true, windowMs: window.maxDelayMs };
  return {
    respond: false,
    reason: window.reason,
    detail: message.mxRaw === undefined ? 'no MX' : `MX ${message.mxRaw.slice(0, DETAIL_CHARS)}`,
  };
}
