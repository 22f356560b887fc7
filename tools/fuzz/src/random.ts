// A small seeded PRNG (mulberry32) with the helpers the generators need. Deterministic across runs and
// machines: the same seed gives the same datagrams, so a failing fuzz case can be replayed from its seed.
export interface FuzzRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Integer in [lo, hi] (inclusive). */
  range(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight: `weights[i]` is the relative weight of `items[i]`. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T;
  bytes(n: number): Uint8Array;
  /** Lowercase hex digits. */
  hex(n: number): string;
  /** A random RFC 4122 v4 UUID (lowercase). */
  uuid(): string;
}

export function createRandom(seed: number): FuzzRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const random: FuzzRandom = {
    next,
    int,
    range: (lo, hi) => lo + int(hi - lo + 1),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(items.length)]!;
    },
    weighted: (items, weights) => {
      const total = weights.reduce((a, b) => a + b, 0);
      let at = next() * total;
      for (let i = 0; i < items.length; i += 1) {
        at -= weights[i]!;
        if (at < 0) return items[i]!;
      }
      return items[items.length - 1]!;
    },
    bytes: (n) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i += 4) {
        const word = (next() * 4294967296) >>> 0;
        out[i] = word & 255;
        if (i + 1 < n) out[i + 1] = (word >>> 8) & 255;
        if (i + 2 < n) out[i + 2] = (word >>> 16) & 255;
        if (i + 3 < n) out[i + 3] = word >>> 24;
      }
      return out;
    },
    hex: (n) => {
      let s = '';
      for (let i = 0; i < n; i += 1) s += int(16).toString(16);
      return s;
    },
    uuid: () => {
      const h = random.hex(32).split('');
      h[12] = '4';
      h[16] = (8 + (parseInt(h[16]!, 16) & 3)).toString(16);
      const s = h.join('');
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
    },
  };
  return random;
}
