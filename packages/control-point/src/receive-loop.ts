// The control point's work loop. Receiving must never wait for anything else: the socket callback only queues the
// datagram (with its read time), and the work runs in turns on setImmediate, after each poll of the sockets:
// - high priority: the queued datagrams (parse, registry), in bounded slices;
// - low priority (`later`): description fetches and their XML, and event output; only in a turn where no datagram
//   waits, so a burst of answers goes to our queue instead of overflowing the kernel's receive buffer.
// A burst is on from a poll that read a full batch (libuv reads at most ~32 datagrams per socket per poll, so the
// socket may hold more) until a poll reads nothing: the socket is empty. Meanwhile a turn handles no datagram and
// goes straight back to reading (a Node socket reads barely faster than a burst from a LAN arrives). A burst lasts
// at most `burstMaxMs`: a stream that never pauses (a flood, or a busy machine where every poll finds something)
// is a load to work off, not a burst to absorb, so the queue is then worked in slices until it is empty before
// another burst may start. The rest of the time a turn runs for at most `sliceMs`, which is what the kernel's
// buffer must absorb between two reads.
import type { Datagram } from '@ssdp/transport';
import { createBurstDetector } from './burst-detector.ts';
import { createDatagramRing } from './datagram-ring.ts';
import { createTaskQueue } from './task-queue.ts';

export interface ReceiveLoopInit {
  /** Most datagrams waiting; beyond it a datagram is dropped (counted by `onOverflow`). Default 65,536. */
  readonly maxQueued?: number;
  /** Most bytes waiting (see datagram-ring.ts). Default 32 MiB. */
  readonly maxQueuedBytes?: number;
  /** Longest turn, ms. Default 2. */
  readonly sliceMs?: number;
  /**
   * Datagrams handled in a turn while a burst is on, once more than half the queue is taken (a storm that does
   * not end); none before. Default 4.
   */
  readonly burstBatch?: number;
  /** Datagrams read since the last turn that mean "a burst is on". Default 32 (libuv's read batch). */
  readonly burstReads?: number;
  /**
   * Longest burst, ms: after it the queue is worked off in slices, and no burst starts again until it is empty.
   * Default 2000 (a LAN delivers even 60,000 answers well within it; a flood does not stop).
   */
  readonly burstMaxMs?: number;
  /** Most items in one turn whatever the clock says (fake timers stop the clock). Default 512. */
  readonly maxPerTurn?: number;
  /**
   * Low-priority work waiting longer than this gets 1 ms even while datagrams wait, ms. Default 2000: a storm that
   * never ends must not starve output and descriptions for good, but inside a burst each fetch started costs the
   * reading more than its 1 ms (measured: with 250, (a) at 20,000 devices lost 3-20% in half the runs; with 5000,
   * none in 4 of 4).
   */
  readonly lowMaxWaitMs?: number;
}

export interface ReceiveLoopComponents {
  /** Handles one datagram (the high-priority work). Must not throw. */
  readonly handle: (datagram: Datagram, receivedAt: number) => void;
  /** A datagram dropped because the queue was full. */
  readonly onOverflow: (datagram: Datagram) => void;
  /** Wall time for the slices, ms (performance.now). */
  readonly now?: () => number;
  /** Runs `turn` after the next poll of the sockets. Default setImmediate, looked up when called (fake timers). */
  readonly defer?: (turn: () => void) => void;
  /** A low-priority task threw. */
  readonly onTaskError?: (error: unknown) => void;
}

export interface ReceiveLoop {
  /** Queues a datagram read at `receivedAt`; false when the queue was full (the datagram is dropped). */
  push(datagram: Datagram, receivedAt: number): boolean;
  /** Queues low-priority work. */
  later(task: () => void): void;
  /** Handles every queued datagram now (before a final listing). */
  drainDatagrams(): void;
  /** Runs every queued low-priority task now (stop, a final listing). */
  drainLater(): void;
  /** Drops everything queued; nothing runs afterwards. */
  stop(): void;
  /** Gets the receive path's own code optimised before the first burst (see DatagramRing.warm). */
  warm(): void;
  /** Datagrams waiting. */
  readonly queued: number;
  /** Most datagrams that waited at once. */
  readonly peakQueued: number;
}

const defaultDefer = (turn: () => void): void => {
  setImmediate(turn);
};

export function createReceiveLoop(init: ReceiveLoopInit, components: ReceiveLoopComponents): ReceiveLoop {
  const maxQueued = Math.max(1, init.maxQueued ?? 65_536);
  const sliceMs = init.sliceMs ?? 2;
  const burstBatch = Math.max(0, init.burstBatch ?? 4);
  const maxPerTurn = Math.max(1, init.maxPerTurn ?? 512);
  const lowMaxWaitMs = init.lowMaxWaitMs ?? 2000;
  const now = components.now ?? (() => performance.now());
  const defer = components.defer ?? defaultDefer;
  const { handle } = components;

  // The waiting datagrams cost the garbage collector little (datagram-ring.ts).
  const ring = createDatagramRing(maxQueued, init.maxQueuedBytes ?? 32 * 1024 * 1024);
  const bursts = createBurstDetector(Math.max(1, init.burstReads ?? 32), init.burstMaxMs ?? 2000);
  const low = createTaskQueue((error) => components.onTaskError?.(error));
  let scheduled = false;
  let stopped = false;
  let peakQueued = 0;

  function schedule(): void {
    if (scheduled || stopped) return;
    scheduled = true;
    defer(turn);
  }

  function handleNext(): void {
    const datagram = ring.take()!;
    handle(datagram, ring.lastTakenAt);
  }

  /** High priority: none in a burst (a few once the queue is half full), else a slice until `deadline`. */
  function runDatagrams(burst: boolean, deadline: number): void {
    let done = 0;
    if (burst) {
      const batch = ring.size * 2 > maxQueued ? burstBatch : 0;
      for (; ring.size > 0 && done < batch; done += 1) handleNext();
      return;
    }
    while (ring.size > 0 && done < maxPerTurn) {
      handleNext();
      done += 1;
      if ((done & 7) === 0 && now() >= deadline) break;
    }
  }

  /** Low priority: in a turn that left no datagram waiting, or once it has waited too long even for a burst. */
  function runLowPriority(start: number, burst: boolean, deadline: number): void {
    const starving = low.since >= 0 && start - low.since >= lowMaxWaitMs;
    if (!starving && (ring.size > 0 || burst)) return;
    const lowDeadline = starving && (burst || ring.size > 0) ? now() + Math.min(1, sliceMs) : deadline;
    let ran = 0;
    while (low.size > 0 && ran < maxPerTurn) {
      low.runNext();
      ran += 1;
      if (now() >= lowDeadline) break;
    }
    if (low.size > 0 && ran > 0) low.waited(now());
  }

  function turn(): void {
    scheduled = false;
    if (stopped) return;
    const start = now();
    const burst = bursts.onTurn(start);
    runDatagrams(burst, start + sliceMs);
    runLowPriority(start, burst, start + sliceMs);
    if (ring.size === 0) bursts.emptied();
    if (ring.size > 0 || low.size > 0) schedule();
  }

  return {
    push(datagram, receivedAt) {
      if (stopped) return false;
      bursts.read();
      if (!ring.push(datagram, receivedAt)) {
        components.onOverflow(datagram);
        return false;
      }
      if (ring.size > peakQueued) peakQueued = ring.size;
      schedule();
      return true;
    },
    later(task) {
      if (stopped) return;
      low.push(task, now());
      schedule();
    },
    drainDatagrams() {
      while (!stopped && ring.size > 0) handleNext();
    },
    drainLater() {
      // Tasks may queue more (a finished description queues its events): run until none is left.
      while (!stopped && low.size > 0) low.runNext();
    },
    stop() {
      stopped = true;
      bursts.reset();
      ring.clear();
      low.clear();
    },
    warm() {
      ring.warm();
    },
    get queued() {
      return ring.size;
    },
    get peakQueued() {
      return peakQueued;
    },
  };
}
