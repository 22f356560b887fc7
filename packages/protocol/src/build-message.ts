// Turns a header block into a message view. Shared by the parsers and the create* constructors, so a constructed
// message and a parsed one can never disagree about their typed fields. Classification needs NTS only; the
// typed fields are computed on first read (see lazy-message.ts), or all at once by toJSON() (message-data.ts).
import { NotifyMessageImpl, SearchResponseMessageImpl } from './advertisement-message.ts';
import { equalsLowerAt } from './ascii.ts';
import { failure, type Failure } from './errors.ts';
import { readField } from './field-readers.ts';
import { cutValue, trimEnd, trimStart, type FieldSlots } from './header-index.ts';
import { F_NTS, type SsdpHeader } from './headers.ts';
import type { SsdpMessageView } from './message.ts';
import { MSearchMessageImpl } from './msearch-message.ts';
import type { SsdpProfile } from './profile.ts';

/** What the start line said. */
export type StartKind = 'm-search' | 'notify' | 'response';

/** 0 alive, 1 byebye, 2 update, undefined for any other NTS: `text[start, end)`, optionally quoted, any case. */
function ntsAt(text: string, start: number, end: number): number | undefined {
  if (end - start >= 2 && text.charCodeAt(start) === 0x22 && text.charCodeAt(end - 1) === 0x22) {
    start++;
    end--;
  }
  const length = end - start;
  if (length === 10) return equalsLowerAt(text, start, 'ssdp:alive') ? 0 : undefined;
  if (length !== 11) return undefined;
  if (equalsLowerAt(text, start, 'ssdp:byebye')) return 1;
  return equalsLowerAt(text, start, 'ssdp:update') ? 2 : undefined;
}

/** Why a NOTIFY could not be classified; `at` is the offset of its NTS value, -1 when NTS is missing. */
function ntsFailure(text: string, slots: FieldSlots): Failure {
  const rawStart = slots[F_NTS << 1]!;
  if (rawStart < 0) return failure('SSDP_ERR_MISSING_HEADER', 'NOTIFY without NTS', -1, 'NTS');
  const rawEnd = slots[(F_NTS << 1) + 1]!;
  const start = trimStart(text, rawStart, rawEnd);
  const shown = JSON.stringify(cutValue(text, start, trimEnd(text, start, rawEnd)).slice(0, 40));
  return failure('SSDP_ERR_UNKNOWN_NTS', `unknown NTS ${shown}`, start, 'NTS');
}

/**
 * @internal Classifies a header block into a message view: `text` holds the header lines from offset `first` on (for
 * a parsed datagram, the whole decoded datagram), `slots` locate the known headers' values (see FieldSlots),
 * `headers` is the header list when the caller already has it (constructed messages, continuation lines).
 * Nothing is copied: callers hand over fresh objects and never touch them again.
 */
export function buildMessage(
  start: StartKind,
  profile: SsdpProfile,
  text: string,
  slots: FieldSlots,
  first: number,
  headers: readonly SsdpHeader[] | undefined,
): SsdpMessageView | Failure {
  if (start === 'm-search') return new MSearchMessageImpl(profile, text, slots, first, headers);
  if (start === 'response') return new SearchResponseMessageImpl(profile, text, slots, first, headers);
  const nts = readField(text, slots, F_NTS, ntsAt, 'SSDP_ERR_UNKNOWN_NTS', undefined);
  if (nts === 0) return new NotifyMessageImpl('notify-alive', 'ssdp:alive', profile, text, slots, first, headers);
  if (nts === 1) return new NotifyMessageImpl('notify-byebye', 'ssdp:byebye', profile, text, slots, first, headers);
  if (nts === 2) return new NotifyMessageImpl('notify-update', 'ssdp:update', profile, text, slots, first, headers);
  return ntsFailure(text, slots);
}
