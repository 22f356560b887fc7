// Defences of the responder: every limit, its default and why. S below is the fleet's advertisement count
// (sum of 3 + 2d + k over all devices): what one ssdp:all search costs in responses. A search is ~100-200 bytes,
// a response ~330-420 bytes, so answering ssdp:all from one device of set size 3 is ~8x amplification by nature;
// the caps bound the bytes out per second whatever comes in, so once they engage the ratio out/in falls as the
// flood grows (measured in test/defences.spec.ts).
//
// | limit                 | default                  | why                                                                 |
// |-----------------------|--------------------------|---------------------------------------------------------------------|
// | allowOffLink          | false                    | a search from outside the arrival interface's subnet is how SSDP    |
// |                       |                          | reflection attacks start (UDA scopes SSDP to the link); --allow-off-link for routed labs |
// | sourceBurst           | 20 searches              | a control point starts with a burst: several STs x 2-3 repeats       |
// | sourceRatePerSecond   | 2 searches/s per source  | real control points search every few seconds at most; a flooder from |
// |                       |                          | one address then gets 2 answered searches/s, whatever it sends      |
// | sourceTableSize       | 4096 sources (LRU)       | bounds the bucket map (~150 B each, ~600 KB); an evicted source      |
// |                       |                          | restarts with a full bucket, so spoofed floods fall to the global cap |
// | responseBurst         | max(1000, 2 x S)         | 100 control points searching ssdp:all at the same instant are all   |
// |                       |                          | answered (S <= 10), and two complete answers of a big fleet          |
// | responseRatePerSecond | max(20, S / 2)           | a full ssdp:all of the whole fleet every 2 s sustained; for one     |
// |                       |                          | device 20/s x ~350 B = 7 KB/s out at most once the burst is spent,  |
// |                       |                          | whatever comes in (spoofed sources included)                        |
// | maxPendingResponses   | max(1000, 4 x S)         | memory bound under a flood (docs/security.md); holds four full       |
// |                       |                          | fleet answers, e.g. 12,000 for --count 1000                          |
// | amplificationRatio    | 2.5 bytes out per byte   | once a global cap has engaged (10 s after its last drop), answers   |
// | (+ hold 10 s, credit  | in, while engaged        | are also held to 2.5x the bytes of the searches that arrive: right  |
// |  2 x S answers)       |                          | at a cap's threshold the caps alone leave the protocol's own ~4x    |
// |                       |                          | (an answered ssdp:all is S answers ~4x the search each); 2.5 plus   |
// |                       |                          | the two-answer credit keeps out/in <= 3 once a cap engages (a       |
// |                       |                          | per-source cap alone already holds one flooder to 2 searches/s)     |
// | parse limits          | 8 KiB, 64 lines, 2 KiB   | a real M-SEARCH is < 600 B; refuse big datagrams before splitting   |
// |                       | per line                 | lines (protocol's parseMessage limits)                             |
// | legacy MX             | 120 s (clamped above)    | the prototype's dialect; pending answers are bounded by the caps     |
//
// Every rejected datagram or response is counted by reason and reported (`dropped` events, coalesced to at most
// one per reason per second plus a count, and a summary when the device stops).
import type { ParseLimits } from '@ssdp/protocol';

export interface DeviceLimits {
  readonly allowOffLink: boolean;
  readonly sourceBurst: number;
  readonly sourceRatePerSecond: number;
  readonly sourceTableSize: number;
  readonly responseBurst: number;
  readonly responseRatePerSecond: number;
  readonly maxPendingResponses: number;
  /** Once a cap has engaged: answers' bytes per search byte received (0: off). */
  readonly amplificationRatio: number;
  /** How long the amplification guard holds after the last cap drop (ms). */
  readonly amplificationHoldMs: number;
  /** The most credit the guard holds (bytes): two full answers of the fleet. */
  readonly amplificationCreditBytes: number;
  readonly parseLimits: ParseLimits;
}

export const DEFAULT_SOURCE_BURST = 20;
export const DEFAULT_SOURCE_RATE_PER_SECOND = 2;
export const DEFAULT_SOURCE_TABLE_SIZE = 4096;
export const DEFAULT_AMPLIFICATION_RATIO = 2.5;
export const DEFAULT_AMPLIFICATION_HOLD_MS = 10_000;
/** What the guard charges for an answer before the responder has built one (answers are ~330-420 B). */
export const ANSWER_BYTES_ESTIMATE = 450;
export const DEFAULT_PARSE_LIMITS_DEVICE: ParseLimits = Object.freeze({
  maxDatagramBytes: 8192,
  maxHeaderLines: 64,
  maxLineLength: 2048,
});

/** The defaults for a fleet whose advertisement sets sum to `advertisementCount` (S). */
export function defaultLimits(advertisementCount: number): DeviceLimits {
  const s = Math.max(1, advertisementCount);
  return {
    allowOffLink: false,
    sourceBurst: DEFAULT_SOURCE_BURST,
    sourceRatePerSecond: DEFAULT_SOURCE_RATE_PER_SECOND,
    sourceTableSize: DEFAULT_SOURCE_TABLE_SIZE,
    responseBurst: Math.max(1000, 2 * s),
    responseRatePerSecond: Math.max(20, Math.ceil(s / 2)),
    maxPendingResponses: Math.max(1000, 4 * s),
    amplificationRatio: DEFAULT_AMPLIFICATION_RATIO,
    amplificationHoldMs: DEFAULT_AMPLIFICATION_HOLD_MS,
    amplificationCreditBytes: 2 * s * ANSWER_BYTES_ESTIMATE,
    parseLimits: DEFAULT_PARSE_LIMITS_DEVICE,
  };
}

/** Defaults for the fleet with the caller's overrides on top. */
export function resolveLimits(advertisementCount: number, overrides: Partial<DeviceLimits> = {}): DeviceLimits {
  const defaults = defaultLimits(advertisementCount);
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  return { ...defaults, ...defined };
}
