// The control point's counters as the command line shows them: the --verbose stats line on stderr, and the last
// --json line (`{"event":"stats",...}`, with --once too). Losses are never silent: both carry the kernel's drops
// (answers the receive buffer could not hold) and the receive buffer granted.
import type { ControlPointStats } from '@ssdp/control-point';

/** The --json `stats` object: the counters, `kernelDrops` (null where not counted) and `receiveBuffer` (null if unknown). */
export interface StatsEvent {
  readonly event: 'stats';
  readonly time: string;
  readonly datagrams: number;
  readonly searchesSent: number;
  readonly sendErrors: number;
  readonly ignored: number;
  readonly unknown: number;
  readonly repeats: number;
  readonly evicted: number;
  readonly describeStarted: number;
  readonly describeFailed: number;
  readonly dropped: Readonly<Record<string, number>>;
  readonly kernelDrops: number | null;
  readonly receiveBuffer: {
    readonly requested: number;
    readonly granted: number | null;
    readonly clamped: boolean;
  } | null;
  readonly receiveQueuePeak: number;
}

export function statsEvent(stats: ControlPointStats, time: number): StatsEvent {
  const buffer = stats.receiveBuffer;
  return {
    event: 'stats',
    time: new Date(time).toISOString(),
    datagrams: stats.datagrams,
    searchesSent: stats.searchesSent,
    sendErrors: stats.sendErrors,
    ignored: stats.ignored,
    unknown: stats.unknown,
    repeats: stats.repeats,
    evicted: stats.evicted,
    describeStarted: stats.describeStarted,
    describeFailed: stats.describeFailed,
    dropped: stats.dropped,
    kernelDrops: stats.kernelDrops ?? null,
    receiveBuffer:
      buffer === undefined
        ? null
        : { requested: buffer.requested, granted: buffer.granted ?? null, clamped: buffer.clamped },
    receiveQueuePeak: stats.receiveQueuePeak,
  };
}

/** The --verbose line: `<program>: N datagrams, ..., kernel-drops=N, recv-buffer=<granted> (asked <requested>)`. */
export function statsLine(program: string, stats: ControlPointStats): string {
  const dropped = Object.entries(stats.dropped)
    .map(([reason, count]) => `${reason}=${count}`)
    .join(' ');
  const buffer = stats.receiveBuffer;
  const granted =
    buffer === undefined
      ? '?'
      : `${buffer.granted ?? '?'} (asked ${buffer.requested}${buffer.clamped ? ', capped by net.core.rmem_max' : ''})`;
  return (
    `${program}: ${stats.datagrams} datagrams, ${stats.repeats} repeats, ${stats.searchesSent} searches sent, ${stats.ignored} searches ignored, ` +
    `${stats.evicted} evicted, ${stats.describeStarted} descriptions (${stats.describeFailed} failed), dropped: ${dropped === '' ? 'none' : dropped}, ` +
    `kernel-drops=${stats.kernelDrops ?? '?'}, recv-buffer=${granted}`
  );
}
