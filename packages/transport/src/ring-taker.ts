// When the main thread takes the reader thread's ring (worker-ring.ts). It stays off the CPU while a burst is on:
// it takes the waiting datagrams once none came for `quietMs`, or once the ring is half full, or once the oldest has
// waited `maxHoldMs`, so the reader thread and the senders keep the cores while the burst lasts (what the main thread
// does with the datagrams, parsing and the registry, would otherwise take a core from them on a small machine).
// Between datagrams it sleeps on Atomics.waitAsync; while datagrams wait it looks every millisecond.
import type { Clock, TimerHandle } from '@ssdp/runtime';
import { RING_SEQ, type RingReader, type RingRecord } from './worker-ring.ts';

export interface RingTakerOptions {
  readonly clock: Clock;
  /** Take the ring once no datagram came for this many 1 ms ticks (so at least this many ms). Default 4. */
  readonly quietMs?: number;
  /** Longest a datagram waits, in 1 ms ticks. Default 500. */
  readonly maxHoldMs?: number;
  /** Gets each datagram; must not throw. */
  readonly deliver: (record: RingRecord) => void;
  /** More datagrams found the ring full; `total` since the start. */
  readonly onRingFull?: (total: number) => void;
}

export interface RingTaker {
  /** Takes whatever waits now, and stops watching. */
  close(): void;
}

/** Atomics.waitAsync (Node ≥ 16; not in this project's TypeScript lib yet). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(array: Int32Array, index: number, value: number): { async: boolean; value: Promise<unknown> | unknown };
  }
).waitAsync;

export function createRingTaker(ring: RingReader, control: Int32Array, options: RingTakerOptions): RingTaker {
  const quietMs = options.quietMs ?? 4;
  const maxHoldMs = options.maxHoldMs ?? 500;
  let closed = false;
  let waiting = false;
  const { clock } = options;
  let timer: TimerHandle | undefined;
  let lastSeq = 0;
  /** Ticks since the oldest waiting datagram was seen (-1: none waits), and ticks without a new one. Counted, not
   * timed, so a step of the wall clock cannot hold datagrams back. */
  let held = -1;
  let quiet = 0;
  let ringDrops = 0;

  function take(): void {
    ring.drain(options.deliver);
    const full = ring.full();
    if (full !== ringDrops) {
      ringDrops = full;
      options.onRingFull?.(full);
    }
  }

  function tick(): void {
    timer = undefined;
    if (closed) return;
    const seq = ring.seq();
    const pending = ring.pending();
    if (pending === 0) {
      held = -1;
      return watch();
    }
    if (held === -1) {
      held = 0;
      quiet = 0;
    } else {
      held += 1;
      quiet = seq === lastSeq ? quiet + 1 : 0;
    }
    lastSeq = seq;
    if (quiet >= quietMs || pending * 2 > ring.capacity || held >= maxHoldMs) {
      take();
      held = -1;
      return tick();
    }
    timer = clock.setTimeout(tick, 1);
  }

  function watch(): void {
    if (waiting || closed) return;
    const seq = ring.seq();
    if (ring.pending() > 0) return tick();
    const wait = waitAsync(control, RING_SEQ, seq);
    if (!wait.async) return tick();
    waiting = true;
    void (wait.value as Promise<unknown>).then(() => {
      waiting = false;
      tick();
    });
  }

  watch();
  return {
    close() {
      if (closed) return;
      closed = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      if (ring.pending() > 0) take();
      Atomics.notify(control, RING_SEQ);
    },
  };
}
