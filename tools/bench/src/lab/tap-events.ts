// The tap's lines (multicast-tap.ts) as events, and the questions the benchmarks ask of them.

export interface TapEvent {
  readonly kind: 'm-search' | 'notify' | 'other' | 'ready';
  readonly at: number;
  readonly address: string;
  readonly port: number;
}

const KINDS: Record<string, TapEvent['kind']> = { s: 'm-search', n: 'notify', o: 'other', ready: 'ready' };

export function parseTapLine(line: string): TapEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as { k?: unknown; at?: unknown; a?: unknown; p?: unknown };
    const kind = typeof value.k === 'string' ? KINDS[value.k] : undefined;
    if (
      kind === undefined ||
      typeof value.at !== 'number' ||
      typeof value.a !== 'string' ||
      typeof value.p !== 'number'
    )
      return undefined;
    return { kind, at: value.at, address: value.a, port: value.p };
  } catch {
    return undefined;
  }
}

/** The first M-SEARCH from `address` at or after `since`. */
export function firstSearchFrom(events: readonly TapEvent[], address: string, since: number): TapEvent | undefined {
  return events.find((event) => event.kind === 'm-search' && event.address === address && event.at >= since);
}

export function countKind(events: readonly TapEvent[], kind: TapEvent['kind'], from: number, to: number): number {
  let count = 0;
  for (const event of events) if (event.kind === kind && event.at >= from && event.at <= to) count += 1;
  return count;
}

/** Time of the last event of `kind` (or -Infinity). */
export function lastOfKind(events: readonly TapEvent[], kind: TapEvent['kind']): number {
  for (let i = events.length - 1; i >= 0; i -= 1) if (events[i]!.kind === kind) return events[i]!.at;
  return Number.NEGATIVE_INFINITY;
}
