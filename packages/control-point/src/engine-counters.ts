// The engine's counters (stats), kept exactly; what the transport and the receive loop know is added on read.
import type { ControllerStats, DropReason } from './events.ts';

export type EngineCounts = Omit<ControllerStats, 'kernelDrops' | 'receiveBuffer' | 'receiveQueuePeak'>;

export interface EngineCounters {
  readonly counts: EngineCounts;
  /** Counts one drop under `reason` (counting only; reporting a dropped datagram is the drop reporter's). */
  countDrop(reason: DropReason): void;
  /**
   * Counts a device the registry bound evicted: announced (a device-removed) or not (nobody heard of it, but a
   * flood of fresh UDNs shows here). One log line at the first eviction and every 1000th.
   */
  evicted(announced: boolean): void;
}

export function createEngineCounters(maxDevices: number, log: (line: string) => void): EngineCounters {
  const counts: EngineCounts = {
    datagrams: 0,
    searchesSent: 0,
    sendErrors: 0,
    ignored: 0,
    unknown: 0,
    dropped: {},
    evicted: 0,
    describeStarted: 0,
    describeFailed: 0,
    repeats: 0,
  };

  function countDrop(reason: DropReason): void {
    counts.dropped[reason] = (counts.dropped[reason] ?? 0) + 1;
  }

  return {
    counts,
    countDrop,
    evicted(announced) {
      if (announced) counts.evicted += 1;
      else countDrop('evicted-unannounced');
      const unannounced = counts.dropped['evicted-unannounced'] ?? 0;
      const total = counts.evicted + unannounced;
      if (total !== 1 && total % 1000 !== 0) return;
      log(
        `registry full (${maxDevices} devices): evicted the least recently seen ` +
          `(${total} so far, ${unannounced} of them before they were announced)`,
      );
    },
  };
}
