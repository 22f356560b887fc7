// The UDA 1.1 §1.3.2 header rules an M-SEARCH must meet before the device matches it: MAN is required (multicast
// and unicast alike) with the value "ssdp:discover" (the prototype's unquoted form and any letter case are
// accepted, and blanks around the value are not part of it), HOST is required, and the MX rule gives the response
// window or a drop.
import { getHeader, searchResponseWindow, type MSearchMessage, type SsdpProfile } from '@ssdp/protocol';
import type { DropReason } from './events.ts';

export type SearchCheck =
  | { readonly respond: true; readonly windowMs: number }
  | { readonly respond: false; readonly reason: DropReason; readonly detail: string };

const DETAIL_CHARS = 40;
const DISCOVER = /^(?:"ssdp:discover"|ssdp:discover)$/i;
/** HTTP's optional whitespace around a value: SP and HTAB only. */
const OWS = /^[ \t]+|[ \t]+$/g;

export function checkSearch(message: MSearchMessage, multicast: boolean, profile: SsdpProfile): SearchCheck {
  const manProblem = checkMan(message);
  if (manProblem !== undefined) return { respond: false, reason: 'search-bad-man', detail: manProblem };
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

/** What is wrong with MAN, if anything. */
function checkMan(message: MSearchMessage): string | undefined {
  if (message.man === 'ssdp:discover') return undefined; // the common case: the parser took the quotes off
  // Otherwise judge the header as received, without SP/HTAB around it: quotes, if any, must enclose it all.
  const man = getHeader(message, 'MAN')?.replace(OWS, '');
  if (man === undefined) return 'no MAN';
  return DISCOVER.test(man) ? undefined : `MAN ${JSON.stringify(man.slice(0, DETAIL_CHARS))}`;
}
