// The registry's deadlines: an intrusive binary min-heap of records (each keeps its own index and due time, so a
// device costs two fields, no entry object and no closure), with ONE task on the shared scheduler for the
// earliest deadline. Deadlines may be lazy: the owner re-keys an item when it fires early.
import type { ScheduledTask, Scheduler } from '@ssdp/transport';

export interface QueueItem {
  /** Position in the heap; -1 when not queued. Owned by the queue. */
  queueIndex: number;
  /** When the item is due. Owned by the queue. */
  dueAt: number;
}

export interface ExpiryQueue<T extends QueueItem> {
  /** Queues `item` at `dueAt`, or moves it there. */
  schedule(item: T, dueAt: number): void;
  remove(item: T): void;
  readonly size: number;
  clear(): void;
}

export function createExpiryQueue<T extends QueueItem>(
  scheduler: Scheduler,
  onDue: (item: T) => void,
  now: () => number,
): ExpiryQueue<T> {
  const heap: T[] = [];
  let task: ScheduledTask | undefined;

  function place(item: T, index: number): void {
    heap[index] = item;
    item.queueIndex = index;
  }

  function up(index: number): void {
    const item = heap[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex]!;
      if (parent.dueAt <= item.dueAt) break;
      place(parent, index);
      index = parentIndex;
    }
    place(item, index);
  }

  function down(index: number): void {
    const item = heap[index]!;
    const length = heap.length;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && heap[right]!.dueAt < heap[left]!.dueAt ? right : left;
      if (heap[child]!.dueAt >= item.dueAt) break;
      place(heap[child]!, index);
      index = child;
    }
    place(item, index);
  }

  function removeAt(index: number): void {
    const item = heap[index]!;
    const last = heap.pop()!;
    item.queueIndex = -1;
    if (last === item) return;
    place(last, index);
    down(index);
    up(last.queueIndex);
  }

  function arm(): void {
    const head = heap[0];
    if (task?.pending === true) {
      if (head !== undefined && task.dueAt === head.dueAt) return;
      scheduler.cancel(task);
    }
    task = head === undefined ? undefined : scheduler.scheduleAt(head.dueAt, fire);
  }

  function fire(): void {
    task = undefined;
    const time = now();
    while (heap.length > 0 && heap[0]!.dueAt <= time) {
      const item = heap[0]!;
      removeAt(0);
      onDue(item); // may schedule it again
    }
    arm();
  }

  return {
    schedule(item, dueAt) {
      if (item.queueIndex >= 0 && heap[item.queueIndex] === item) {
        const earlier = dueAt < item.dueAt;
        item.dueAt = dueAt;
        if (earlier) up(item.queueIndex);
        else down(item.queueIndex);
      } else {
        item.dueAt = dueAt;
        heap.push(item);
        up(heap.length - 1);
      }
      if (heap[0] === item || task === undefined) arm();
    },
    remove(item) {
      if (item.queueIndex < 0 || heap[item.queueIndex] !== item) return;
      const wasHead = item.queueIndex === 0;
      removeAt(item.queueIndex);
      if (wasHead) arm();
    },
    get size() {
      return heap.length;
    },
    clear() {
      for (const item of heap) item.queueIndex = -1;
      heap.length = 0;
      arm();
    },
  };
}
