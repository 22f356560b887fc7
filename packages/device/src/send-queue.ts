// A bounded, paced FIFO for multicast bursts (announcements, byebyes, updates). A fleet of 1000 devices sends
// thousands of NOTIFYs at once; handing them to the kernel in small slices keeps receivers' buffers (and ours)
// from overflowing. Runs on the shared scheduler: one task per slice, not one timer per message.
import type { Scheduler, ScheduledTask } from '@ssdp/runtime';
import type { SendTarget, SsdpTransport } from '@ssdp/transport';

export interface QueuedMessage {
  readonly bytes: Uint8Array;
  readonly target: SendTarget;
  /** A tag for selective removal (e.g. drop queued alives when BOOTID changes). */
  readonly kind: string;
  /** Called after the transport accepted the datagram. */
  readonly onSent?: () => void;
  /** Called when the transport refused it. */
  readonly onFailed?: (error: unknown) => void;
}

export interface SendQueueInit {
  /** Datagrams handed to the transport per slice. */
  readonly sliceSize: number;
  /** Time between slices (ms). sliceSize / intervalMs is the pace. */
  readonly intervalMs: number;
  /** Queue bound; enqueue refuses beyond it. */
  readonly maxQueued: number;
}

/** Default pace: 64 datagrams every 20 ms (3,200/s); a round of 3,000 NOTIFYs takes about one second. */
export const DEFAULT_SEND_QUEUE: SendQueueInit = { sliceSize: 64, intervalMs: 20, maxQueued: 200_000 };

export interface SendQueue {
  /** Queues a datagram; resolves when it was sent, failed or was removed. False when the queue is full. */
  enqueue(message: QueuedMessage): Promise<void> | false;
  /** Removes queued (not yet sent) messages whose kind matches. */
  remove(predicate: (kind: string) => boolean): number;
  /** Resolves when the queue is empty and every send it started has settled. */
  drain(): Promise<void>;
  readonly length: number;
}

interface Entry {
  readonly message: QueuedMessage;
  readonly settle: () => void;
}

export function createSendQueue(
  init: SendQueueInit,
  components: { transport: SsdpTransport; scheduler: Scheduler },
): SendQueue {
  const { transport, scheduler } = components;
  let queue: Entry[] = [];
  let head = 0;
  let task: ScheduledTask | undefined;
  const inFlight = new Set<Promise<void>>();
  let drainWaiters: (() => void)[] = [];

  const length = () => queue.length - head;

  function settleDrainWaiters(): void {
    if (length() > 0 || inFlight.size > 0 || task !== undefined) return;
    const waiters = drainWaiters;
    drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  function pump(): void {
    task = undefined;
    const end = Math.min(queue.length, head + init.sliceSize);
    for (; head < end; head += 1) {
      const entry = queue[head]!;
      const { message } = entry;
      let sending: Promise<void>;
      try {
        sending = transport.send(message.bytes, message.target);
      } catch (error) {
        sending = Promise.reject(error);
      }
      const tracked = sending.then(
        () => message.onSent?.(),
        (error: unknown) => message.onFailed?.(error),
      );
      const settled = tracked.finally(() => {
        inFlight.delete(settled);
        entry.settle();
        settleDrainWaiters();
      });
      inFlight.add(settled);
    }
    // Compact once the consumed prefix dominates, so the array does not grow forever.
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    if (length() > 0) task = scheduler.schedule(init.intervalMs, pump);
    settleDrainWaiters();
  }

  return {
    enqueue(message) {
      if (length() >= init.maxQueued) return false;
      let settle!: () => void;
      const done = new Promise<void>((resolve) => (settle = resolve));
      queue.push({ message, settle });
      task ??= scheduler.schedule(0, pump);
      return done;
    },
    remove(predicate) {
      const kept: Entry[] = [];
      let removed = 0;
      for (let i = head; i < queue.length; i += 1) {
        const entry = queue[i]!;
        if (predicate(entry.message.kind)) {
          removed += 1;
          entry.settle();
        } else kept.push(entry);
      }
      queue = kept;
      head = 0;
      if (length() === 0 && task !== undefined) {
        scheduler.cancel(task);
        task = undefined;
      }
      settleDrainWaiters();
      return removed;
    },
    drain() {
      if (length() === 0 && inFlight.size === 0 && task === undefined) return Promise.resolve();
      return new Promise<void>((resolve) => drainWaiters.push(resolve));
    },
    get length() {
      return length();
    },
  };
}
