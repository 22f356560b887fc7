// The global and per-source caps a search must pass before it is answered: the per-source bucket, the pending
// cap, the global response bucket and the amplification guard. Each refusal or cut has its own drop reason.
import type { Clock } from '@ssdp/runtime';
import { AmplificationGuard } from './amplification-guard.ts';
import type { DropReason } from './events.ts';
import { ANSWER_BYTES_ESTIMATE, type DeviceLimits } from './limits.ts';
import { TokenBucket, createSourceLimiter } from './token-bucket.ts';

export interface SearchAdmission {
  /** Credits the guard with a received search's bytes. */
  earn(bytes: number): void;
  /** Whether the source's own bucket lets one more search through. */
  allowSource(address: string, now: number): boolean;
  /** Why the global caps refuse a whole search now, if they do; a refusal engages the guard. */
  refuse(now: number, pending: number): DropReason | undefined;
  /** The first answers of `wanted` the caps grant, and what each cap cut. */
  grant<T>(wanted: T[], now: number, pending: number): { answers: T[]; cuts: [DropReason, number][] };
  /** Records the size of an answer built, so the guard charges the largest one. */
  noteAnswerBytes(bytes: number): void;
}

export function createSearchAdmission(limits: DeviceLimits, clock: Clock): SearchAdmission {
  const sources = createSourceLimiter({
    burst: limits.sourceBurst,
    ratePerSecond: limits.sourceRatePerSecond,
    tableSize: limits.sourceTableSize,
  });
  const responseBucket = new TokenBucket(limits.responseBurst, limits.responseRatePerSecond, clock.now());
  const guard = new AmplificationGuard({
    ratio: limits.amplificationRatio,
    holdMs: limits.amplificationHoldMs,
    creditCapBytes: limits.amplificationCreditBytes,
  });
  // What the guard charges per answer: the largest answer built so far (an estimate until the first one).
  let answerBytes = ANSWER_BYTES_ESTIMATE;

  return {
    earn(bytes) {
      guard.earn(bytes);
    },
    allowSource(address, now) {
      return sources.allow(normalizeSource(address), now);
    },
    refuse(now, pending) {
      const refusal = refusedByCaps(now, pending);
      if (refusal !== undefined) guard.engage(now);
      return refusal;
    },
    grant,
    noteAnswerBytes(bytes) {
      if (bytes > answerBytes) answerBytes = bytes;
    },
  };

  function refusedByCaps(now: number, pending: number): DropReason | undefined {
    if (pending >= limits.maxPendingResponses) return 'pending-cap';
    if (responseBucket.available(now) < 1) return 'response-rate-limit';
    if (guard.allowance(now, answerBytes) < 1) return 'amplification-guard';
    return undefined;
  }

  /**
   * The answers the caps grant out of `wanted`: the pending cap, then the amplification guard (it only binds once
   * a cap has engaged), then the global bucket. Any cut engages the guard; each is counted under its own reason.
   */
  function grant<T>(wanted: T[], now: number, pending: number): { answers: T[]; cuts: [DropReason, number][] } {
    const room = limits.maxPendingResponses - pending;
    const afterPending = Math.min(wanted.length, room);
    const afterGuard = Math.min(afterPending, guard.allowance(now, answerBytes));
    const granted = responseBucket.takeUpTo(now, afterGuard);
    guard.spend(now, granted, answerBytes);
    if (granted < wanted.length) guard.engage(now);
    const cuts: [DropReason, number][] = [];
    if (afterPending < wanted.length) cuts.push(['pending-cap', wanted.length - afterPending]);
    if (afterGuard < afterPending) cuts.push(['amplification-guard', afterPending - afterGuard]);
    if (granted < afterGuard) cuts.push(['response-rate-limit', afterGuard - granted]);
    return { answers: granted < wanted.length ? wanted.slice(0, granted) : wanted, cuts };
  }
}

/** Buckets are per host: an IPv6 link-local source keeps its scope so equal addresses on two links differ. */
function normalizeSource(address: string): string {
  return address.toLowerCase();
}
