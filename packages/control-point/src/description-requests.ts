// When and how a device is described: a record that wants a description (new, or a CONFIGID/BOOTID change since)
// is marked at once, so its next datagrams do not ask again, and handed to the describer at low priority. The
// result goes back to the registry under the generation it was asked for (an older one is ignored).
import type { Datagram } from '@ssdp/transport';
import { createDescriber, type Describer } from './describer.ts';
import type { DescriptionFetcher } from './description-fetcher.ts';
import type { EngineCounters } from './engine-counters.ts';
import type { DescribeState } from './events.ts';
import { oneLine } from './one-line.ts';
import type { DeviceRecord, Observation, Registry } from './registry.ts';

export interface DescriptionRequestsInit {
  readonly describeConcurrency?: number;
  /** Jobs waiting at most. Default: one per device the registry keeps. */
  readonly describeQueue?: number;
  readonly describePerSender?: number;
  readonly maxDevices: number;
}

export interface DescriptionRequestsParts {
  readonly fetcher: DescriptionFetcher;
  readonly registry: Registry;
  readonly counters: EngineCounters;
  /** Queues low-priority work (receive-loop.ts). */
  readonly later: (task: () => void) => void;
  readonly log: (line: string) => void;
  /** Whether the engine runs (nothing new is enqueued otherwise). */
  readonly running: () => boolean;
}

export interface DescriptionRequests {
  readonly describer: Describer;
  /** Asks for a description of `record` when it wants one, from the LOCATION of `observation` (or its first). */
  request(record: DeviceRecord, observation: Observation, datagram: Datagram): void;
  /**
   * The longest the outstanding descriptions can take: each runs under its own deadline of `timeoutMs`, and
   * while any wait at least min(concurrency, perSender) run, so the queue drains in
   * ceil(outstanding / min(concurrency, perSender)) rounds. 0 when idle.
   */
  drainBoundMs(timeoutMs: number): number;
  /** Loads and warms the HTTP client and the XML parser (before the first search). */
  warm(): void;
}

interface Request {
  readonly generation: number;
  readonly previous: DescribeState | 'none';
  readonly location: string;
  readonly source: string;
}

export function createDescriptionRequests(
  init: DescriptionRequestsInit,
  parts: DescriptionRequestsParts,
): DescriptionRequests {
  const { fetcher, registry, counters, later, log, running } = parts;
  const describer = createDescriber(
    {
      ...(init.describeConcurrency === undefined ? {} : { concurrency: init.describeConcurrency }),
      // One job per device at most: a burst of thousands of new devices all wait for their description.
      maxQueue: init.describeQueue ?? init.maxDevices,
      ...(init.describePerSender === undefined ? {} : { perSender: init.describePerSender }),
    },
    { fetcher, defer: later },
  );

  /** Whether a result for `generation` would still be used. */
  const wanted = (record: DeviceRecord, generation: number): boolean =>
    !record.removed && record.description?.generation === generation;

  function enqueue(record: DeviceRecord, { generation, previous, location, source }: Request): void {
    if (!running() || !wanted(record, generation)) return;
    const accepted = describer.enqueue({
      location,
      source,
      uuid: record.synthetic ? undefined : record.key,
      wanted: () => wanted(record, generation),
      done: (result) => {
        try {
          if (result.ok) registry.described(record, generation, result.info);
          else {
            if (result.reason === 'sender-limit') counters.countDrop('describe-sender-limit');
            registry.describeFailed(record, generation, result.reason, result.detail, result.code);
          }
        } catch (error) {
          log(`internal error after describing ${record.udn}: ${oneLine(error)}`);
        }
      },
    });
    if (!accepted) {
      counters.countDrop('describe-queue-full');
      registry.describeRefused(record, generation, previous); // retried on the device's next advertisement
      return;
    }
    counters.counts.describeStarted += 1;
  }

  return {
    describer,
    request(record, observation, datagram) {
      if (!registry.needsDescription(record) || observation.kind === 'byebye') return;
      const location = observation.location ?? record.locations[0];
      if (location === undefined || record.description === undefined) return;
      const previous = record.description.state;
      const generation = registry.describing(record);
      const source = datagram.remote.address;
      later(() => enqueue(record, { generation, previous, location, source }));
    },
    drainBoundMs(timeoutMs) {
      // While anything waits, either every slot is busy or the waiting senders each run `perSender`: at least
      // min(concurrency, perSender) fetches end per deadline.
      const rounds = Math.ceil(
        (describer.running + describer.queued) / Math.min(describer.concurrency, describer.perSender),
      );
      return rounds * timeoutMs;
    },
    warm() {
      // After a successful start, so a startup error stays fast.
      fetcher.preload?.();
      describer.warm();
    },
  };
}
