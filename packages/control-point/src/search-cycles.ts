// Searching on a cadence: each cycle sends the M-SEARCH twice (repeatDelayMs apart) on every interface, then waits
// intervalMs for the next, until `cycles` ran; search() sends one extra pair (cycle 0).
import type { Scheduler } from '@ssdp/runtime';
import type { SsdpTransport } from '@ssdp/transport';
import type { EventOutbox } from './event-outbox.ts';
import type { EngineCounts } from './engine-counters.ts';
import { oneLine } from './one-line.ts';
import type { SearchFor } from './search-messages.ts';

export interface SearchCyclesInit {
  readonly target: string;
  readonly mx: number;
  readonly intervalMs: number;
  readonly cycles?: number;
  readonly repeatDelayMs?: number;
}

export interface SearchCyclesParts {
  readonly transport: SsdpTransport;
  readonly scheduler: Scheduler;
  readonly searchFor: SearchFor;
  readonly outbox: EventOutbox;
  readonly counts: Pick<EngineCounts, 'searchesSent' | 'sendErrors'>;
  readonly log: (line: string) => void;
  readonly now: () => number;
  /** Whether the engine runs (nothing is sent otherwise). */
  readonly running: () => boolean;
  /** At the start of each cycle (numbered from 1), before its first send. */
  readonly onCycle: (cycle: number) => void;
}

export interface SearchCycles {
  /** Runs the first cycle now; the others follow. */
  start(): void;
  /** One extra search for `st` now (both sends, cycle 0); resolves once the second is sent. */
  search(st: string): Promise<void>;
  /** Resolves when the last of `cycles` cycles has sent both its searches (or the engine stopped). */
  whenSearched(): Promise<void>;
  /** Wakes whoever waits in whenSearched() (at stop). */
  stop(): void;
}

export function createSearchCycles(init: SearchCyclesInit, parts: SearchCyclesParts): SearchCycles {
  const { transport, scheduler, searchFor, outbox, counts, log, now, running } = parts;
  const repeatDelayMs = init.repeatDelayMs ?? 100;
  let cycle = 0;
  let done = false;
  let waiters: (() => void)[] = [];

  function send(attempt: number, cycleNumber: number, st: string): void {
    if (!running()) return;
    for (const iface of transport.interfaces) {
      const search = searchFor(iface, st);
      if (search === undefined) continue;
      counts.searchesSent += 1;
      transport.send(search.bytes, search.target).then(
        () => undefined,
        (error: unknown) => {
          counts.sendErrors += 1;
          if (running()) log(`search on ${iface.id} failed: ${oneLine(error)}`);
        },
      );
      outbox.emitSoon({
        event: 'search-sent',
        time: now(),
        interfaceId: iface.id,
        target: st,
        mx: init.mx,
        attempt,
        cycle: cycleNumber,
      });
    }
  }

  function runCycle(): void {
    if (!running()) return;
    cycle += 1;
    const thisCycle = cycle;
    parts.onCycle(thisCycle);
    send(1, thisCycle, init.target);
    const last = init.cycles !== undefined && thisCycle >= init.cycles;
    scheduler.schedule(repeatDelayMs, () => {
      send(2, thisCycle, init.target);
      if (last) finished();
    });
    if (!last) scheduler.schedule(init.intervalMs, runCycle);
  }

  function finished(): void {
    done = true;
    const waiting = waiters;
    waiters = [];
    for (const wake of waiting) wake();
  }

  return {
    start: runCycle,
    search(st) {
      if (!running()) return Promise.resolve();
      send(1, 0, st);
      return new Promise<void>((resolve) =>
        scheduler.schedule(repeatDelayMs, () => {
          send(2, 0, st);
          resolve();
        }),
      );
    },
    whenSearched() {
      if (done) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    stop: finished,
  };
}
