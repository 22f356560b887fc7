// The codec corpus: the real datagrams captured in packages/protocol/test/vectors (top level only; invalid/ holds
// the rejects), repeated so that each kind gets its share of a realistic traffic mix, in a fixed shuffled order.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type DatagramKind = 'notify' | 'search-response' | 'm-search';

export const DATAGRAM_KINDS: readonly DatagramKind[] = ['notify', 'search-response', 'm-search'];

/** Share of each kind in the sequence; must sum to 1. */
export type KindWeights = Readonly<Record<DatagramKind, number>>;

/** What a network with a few devices and a control point mostly carries: announcements and search answers. */
export const TRAFFIC_WEIGHTS: KindWeights = { notify: 0.45, 'search-response': 0.4, 'm-search': 0.15 };

export interface CorpusEntry {
  readonly file: string;
  readonly kind: DatagramKind;
  readonly bytes: Buffer;
  /** How often this datagram occurs in the sequence. */
  readonly copies: number;
}

export interface Corpus {
  readonly entries: readonly CorpusEntry[];
  /** The datagrams in measurement order (the same Buffer objects as in `entries`, repeated). */
  readonly sequence: readonly Buffer[];
  /** Share of each kind actually achieved in `sequence`. */
  readonly achievedWeights: KindWeights;
}

export interface CorpusOptions {
  readonly weights?: KindWeights;
  /** Length of the sequence (default 600). */
  readonly length?: number;
  /** Seed of the shuffle (default 1). */
  readonly seed?: number;
}

/** Kind from the start line, independently of the parsers under test. */
export function classifyDatagram(bytes: Uint8Array): DatagramKind | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 16)).toString('latin1');
  if (head.startsWith('NOTIFY ')) return 'notify';
  if (head.startsWith('M-SEARCH ')) return 'm-search';
  if (head.startsWith('HTTP/')) return 'search-response';
  return undefined;
}

/** Splits `total` into integer parts proportional to `shares`, largest remainder first (sums exactly to total). */
export function apportion(total: number, shares: readonly number[]): number[] {
  const sum = shares.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) throw new RangeError('shares must have a positive sum');
  const exact = shares.map((share) => (total * share) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((value, i) => [value - Math.floor(value), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (left-- <= 0) break;
    parts[i]!++;
  }
  return parts;
}

/** mulberry32: a tiny seeded PRNG, so the order is the same on every run and machine. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function loadCorpus(directory: string, options: CorpusOptions = {}): Corpus {
  const weights = options.weights ?? TRAFFIC_WEIGHTS;
  const length = options.length ?? 600;
  const weightSum = DATAGRAM_KINDS.reduce((sum, kind) => sum + weights[kind], 0);
  if (Math.abs(weightSum - 1) > 1e-9) throw new RangeError(`weights must sum to 1, not ${weightSum}`);

  const files = readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.bin'))
    .map((entry) => entry.name)
    .sort();
  const found = files.map((file) => {
    const bytes = readFileSync(join(directory, file));
    const kind = classifyDatagram(bytes);
    if (kind === undefined) throw new Error(`${file}: not a NOTIFY, M-SEARCH or HTTP response`);
    return { file, kind, bytes };
  });

  const kindCounts = apportion(
    length,
    DATAGRAM_KINDS.map((kind) => weights[kind]),
  );
  const entries: CorpusEntry[] = [];
  DATAGRAM_KINDS.forEach((kind, k) => {
    const ofKind = found.filter((entry) => entry.kind === kind);
    if (ofKind.length === 0) {
      if (weights[kind] > 0)
        throw new Error(`weight ${weights[kind]} for ${kind}, but no ${kind} vector in ${directory}`);
      return;
    }
    const copies = apportion(
      kindCounts[k]!,
      ofKind.map(() => 1),
    );
    ofKind.forEach((entry, i) => entries.push({ ...entry, copies: copies[i]! }));
  });

  const sequence: Buffer[] = entries.flatMap((entry) => Array.from({ length: entry.copies }, () => entry.bytes));
  const random = seededRandom(options.seed ?? 1);
  for (let i = sequence.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [sequence[i], sequence[j]] = [sequence[j]!, sequence[i]!];
  }
  const achieved = Object.fromEntries(
    DATAGRAM_KINDS.map((kind) => [
      kind,
      entries.filter((e) => e.kind === kind).reduce((sum, e) => sum + e.copies, 0) / sequence.length,
    ]),
  ) as Record<DatagramKind, number>;
  return { entries, sequence, achievedWeights: achieved };
}

/** packages/protocol/test/vectors under the workspace root. */
export function vectorsDirectory(root: string): string {
  return join(root, 'packages', 'protocol', 'test', 'vectors');
}
