// What each app must do with a datagram, from the same decisions the apps make: our parser (`parseMessage`, with
// each app's parse limits) and the device's MX rule (`searchResponseWindow`). The fuzz runs compare the apps' own
// drop counters with these verdicts, per reason; test/expected-verdicts.spec.ts holds these verdicts and the real
// apps to hand-written ones (src/expected-verdicts.ts), and test/node-ssdp-differential.spec.ts the parser to
// node-ssdp's.
import { defaultLimits } from '@ssdp/device';
import { DEFAULT_PARSE_LIMITS, getHeader, parseMessage, searchResponseWindow, type ParseLimits } from '@ssdp/protocol';

/** ssdp-device's parse limits: the device library's defaults (the CLI does not change them). */
export const DEVICE_PARSE_LIMITS: ParseLimits = defaultLimits(1).parseLimits;

/**
 * The device's outcome for an on-link datagram: a search (answered, or refused by a rate limit), or the drop
 * reason it must be counted under. Off-link sources are dropped before parsing, whatever they send.
 */
export type DeviceVerdict =
  'search' | 'malformed' | 'not-a-search' | 'search-bad-man' | 'search-no-host' | 'mx-missing' | 'mx-invalid';

/** UDA 1.1 §1.3.2: MAN is "ssdp:discover" with its quotes; the prototype sends it without them. */
const DISCOVER_MAN = /^(?:"ssdp:discover"|ssdp:discover)$/i;

export interface DeviceJudgement {
  readonly verdict: DeviceVerdict;
  /** The SSDP_ERR_* code for `malformed`. */
  readonly code?: string;
}

export function judgeForDevice(bytes: Uint8Array, via: { readonly multicast: boolean }): DeviceJudgement {
  const parsed = parseMessage(bytes, { limits: DEVICE_PARSE_LIMITS });
  if (!parsed.ok) return { verdict: 'malformed', code: parsed.error.code };
  const message = parsed.message;
  if (message.kind !== 'm-search') return { verdict: 'not-a-search' };
  // HTTP's optional whitespace (SP, HTAB) around the value is not part of it; \f or U+2028 are.
  const man = getHeader(message, 'MAN')?.replace(/^[ \t]+|[ \t]+$/g, '');
  if (man === undefined || !DISCOVER_MAN.test(man)) return { verdict: 'search-bad-man' };
  if (getHeader(message, 'HOST') === undefined) return { verdict: 'search-no-host' };
  const window = searchResponseWindow({ mx: message.mxRaw, multicast: via.multicast, profile: 'upnp' });
  return window.respond ? { verdict: 'search' } : { verdict: window.reason };
}

/**
 * The controller's outcome: `drop:<reason>` for what it must count as dropped (parse codes, USN problems),
 * `ignored` (somebody's M-SEARCH), `byebye` or `advert` (alive, update, search response) for what reaches the
 * registry. The registry may still drop an advert for its state (`stale-bootid`, `usn-limit`).
 */
export type ControllerVerdict = 'ignored' | 'advert' | 'byebye' | `drop:${string}`;

export function judgeForController(bytes: Uint8Array): ControllerVerdict {
  const parsed = parseMessage(bytes, { limits: DEFAULT_PARSE_LIMITS });
  if (!parsed.ok) return `drop:${parsed.error.code}`;
  const message = parsed.message;
  if (message.kind === 'm-search') return 'ignored';
  if (message.usn === undefined && message.profile !== 'legacy') {
    // A legacy-framed message (no blank line at the end) without a valid USN is keyed by its raw USN instead.
    return `drop:${message.problems.find((p) => p.header === 'USN')?.code ?? 'missing-usn'}`;
  }
  return message.kind === 'notify-byebye' ? 'byebye' : 'advert';
}

/** Reasons the controller's registry may add on top of the stateless verdicts (depend on what it saw before). */
export const CONTROLLER_STATEFUL_DROPS = ['stale-bootid', 'usn-limit'] as const;
