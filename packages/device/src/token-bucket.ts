// Token buckets: one for the global response rate, and an LRU-bounded map of them keyed by source address, so
// a flood from many (spoofed) sources cannot grow memory without bound.

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly ratePerSecond: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  private refill(now: number): void {
    if (now > this.updatedAt) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) * this.ratePerSecond) / 1000);
    }
    this.updatedAt = Math.max(this.updatedAt, now);
  }

  /** Tokens available at `now` (fractional). */
  available(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  /** Takes `count` tokens if there are that many; false (and nothing taken) otherwise. */
  take(now: number, count = 1): boolean {
    this.refill(now);
    if (this.tokens + 1e-9 < count) return false;
    this.tokens -= count;
    return true;
  }

  /** Takes up to `count` whole tokens and says how many it got. */
  takeUpTo(now: number, count: number): number {
    this.refill(now);
    const got = Math.max(0, Math.min(count, Math.floor(this.tokens + 1e-9)));
    this.tokens -= got;
    return got;
  }
}

export interface SourceLimiter {
  /** True when `source` may be served now (and charges one token). */
  allow(source: string, now: number): boolean;
  /** Sources tracked now (≤ the table size). */
  readonly size: number;
}

/** Per-source buckets in a Map used as an LRU (re-inserted on use; the oldest entry is evicted when full). */
export function createSourceLimiter(init: { burst: number; ratePerSecond: number; tableSize: number }): SourceLimiter {
  const buckets = new Map<string, TokenBucket>();
  return {
    allow(source, now) {
      let bucket = buckets.get(source);
      if (bucket === undefined) {
        if (buckets.size >= init.tableSize) {
          const oldest = buckets.keys().next();
          if (oldest.done !== true) buckets.delete(oldest.value);
        }
        bucket = new TokenBucket(init.burst, init.ratePerSecond, now);
      } else {
        buckets.delete(source);
      }
      buckets.set(source, bucket);
      return bucket.take(now);
    },
    get size() {
      return buckets.size;
    },
  };
}
