// The control point engine's methods besides start and stop: listing, one extra search, settling before a final
// listing, waiting for searches and descriptions, and the stats snapshot.
import type { ControlPointEngine } from './control-point-engine.ts';
import type { EngineParts } from './engine-parts.ts';
import type { ControllerStats } from './events.ts';

/** Plain methods only (no getter), so the engine can spread them into its own object. */
export type EngineMethods = Omit<ControlPointEngine, 'start' | 'stop' | 'stats' | 'scheduler'>;

export function engineMethods(parts: EngineParts): EngineMethods {
  const { registry, loop, outbox, receiving, searches, descriptions, onEvent, now } = parts;
  return {
    search: (st) => searches.search(st),
    devices: () => registry.devices(),
    device(udn) {
      const record = registry.get(udn);
      return record !== undefined && record.announced && !record.removed ? registry.snapshot(record) : undefined;
    },
    settle() {
      loop.drainDatagrams(); // what was read before the listing counts
      registry.settleAll();
      receiving.check();
    },
    reportFound() {
      outbox.flush();
      for (const device of registry.devices()) onEvent({ event: 'device-found', time: now(), device });
    },
    whenDescribed: () => descriptions?.describer.idle() ?? Promise.resolve(),
    describeDrainBoundMs: (timeoutMs) => descriptions?.drainBoundMs(timeoutMs) ?? 0,
    whenSearched: () => searches.whenSearched(),
  };
}

/** A copy of the counters with the receive queue's peak, the kernel's drops (read from /proc) and the buffer granted. */
export function engineStats({ counts, loop, receiving }: EngineParts): ControllerStats {
  return {
    ...counts,
    dropped: { ...counts.dropped },
    receiveQueuePeak: loop.peakQueued,
    kernelDrops: receiving.kernelDrops(),
    receiveBuffer: receiving.receiveBuffer(),
  };
}
