// Event output at the work loop's low priority: the registry's events wait here and go out in small batches when
// no datagram waits, so printing (JSON, a pipe write per line) never holds up reading. Order is kept: an event
// that may go out at once (`emitSoon`) still waits behind any queued one.
import type { ControllerEvent } from './events.ts';

export interface EventOutbox {
  /** Queues an event for the next low-priority turn. */
  emit(event: ControllerEvent): void;
  /** Delivers at once when nothing is queued (cheap, rare events such as search-sent), else queues it. */
  emitSoon(event: ControllerEvent): void;
  /** Delivers everything queued now (stop, a final listing). */
  flush(): void;
  /** Drops what is queued (nothing is delivered afterwards). */
  clear(): void;
  readonly pending: number;
}

export function createEventOutbox(components: {
  /** Queues low-priority work. */
  readonly later: (task: () => void) => void;
  readonly deliver: (event: ControllerEvent) => void;
  /** Events per low-priority task. Default 32. */
  readonly batch?: number;
}): EventOutbox {
  const { later, deliver } = components;
  const batch = components.batch ?? 32;
  let queue: ControllerEvent[] = [];
  let head = 0;
  let scheduled = false;

  function deliverNext(): void {
    const event = queue[head]!;
    queue[head] = undefined as unknown as ControllerEvent;
    head += 1;
    if (head === queue.length) {
      queue = [];
      head = 0;
    }
    deliver(event);
  }

  function drain(): void {
    scheduled = false;
    for (let n = 0; n < batch && head < queue.length; n += 1) deliverNext();
    if (head < queue.length) schedule();
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    later(drain);
  }

  return {
    emit(event) {
      queue.push(event);
      schedule();
    },
    emitSoon(event) {
      if (head === queue.length) deliver(event);
      else queue.push(event);
    },
    flush() {
      while (head < queue.length) deliverNext();
    },
    clear() {
      queue = [];
      head = 0;
    },
    get pending() {
      return queue.length - head;
    },
  };
}
