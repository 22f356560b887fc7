// The describer's waiting jobs: one FIFO per sender address, senders taking turns, and the sender that holds the
// most of the queue (to shed from when it is full). Running counts live here too, so a sender is forgotten once it
// has nothing running or waiting.
import type { DescribeJob } from './describer.ts';

/** One sender address: its running count and its own FIFO of waiting jobs. */
export interface Sender {
  readonly address: string;
  running: number;
  queue: DescribeJob[];
  head: number;
}

export interface SenderQueue {
  /** The sender known under `address`, if it has anything running or waiting. */
  get(address: string): Sender | undefined;
  add(job: DescribeJob): void;
  /** The next job to start (the least busy waiting sender first, in turn), if a sender may start one. */
  next(perSender: number): { sender: Sender; job: DescribeJob } | undefined;
  /** Takes the newest waiting job of `victim` (to complete it with `sender-limit`). */
  shed(victim: Sender): DescribeJob;
  /** The sender holding the most waiting jobs. */
  longest(): Sender | undefined;
  forgetIfDone(sender: Sender): void;
  clear(): void;
  readonly queued: number;
}

export function waitingOf(sender: Sender): number {
  return sender.queue.length - sender.head;
}

export function createSenderQueue(): SenderQueue {
  const senders = new Map<string, Sender>();
  /** Senders with waiting jobs, in turn order (a Set keeps insertion order; re-adding moves to the back). */
  const waiting = new Set<Sender>();
  let queued = 0;
  /**
   * The sender holding the most waiting jobs: kept up to date as jobs are added, rescanned only once it has none
   * left, so a flood from many addresses against a full queue costs no scan per datagram. (After sheds it may be
   * one or two jobs short of the true longest: fair enough.)
   */
  let longest: Sender | undefined;

  function forgetIfDone(sender: Sender): void {
    if (sender.running === 0 && waitingOf(sender) === 0) senders.delete(sender.address);
  }

  function takeNext(sender: Sender): DescribeJob {
    const job = sender.queue[sender.head]!;
    sender.queue[sender.head] = undefined as unknown as DescribeJob;
    sender.head += 1;
    if (sender.head === sender.queue.length) {
      sender.queue = [];
      sender.head = 0;
    } else if (sender.head > 1024 && sender.head * 2 > sender.queue.length) {
      sender.queue.splice(0, sender.head);
      sender.head = 0;
    }
    queued -= 1;
    return job;
  }

  return {
    get: (address) => senders.get(address),
    add(job) {
      let sender = senders.get(job.source);
      if (sender === undefined) {
        sender = { address: job.source, running: 0, queue: [], head: 0 };
        senders.set(job.source, sender);
      }
      sender.queue.push(job);
      queued += 1;
      waiting.add(sender);
      if (longest === undefined || !waiting.has(longest) || waitingOf(sender) > waitingOf(longest)) longest = sender;
    },
    next(perSender) {
      let best: Sender | undefined;
      for (const sender of waiting) {
        if (best === undefined || sender.running < best.running) best = sender;
        if (best.running === 0) break;
      }
      if (best === undefined || best.running >= perSender) return undefined;
      waiting.delete(best);
      const job = takeNext(best);
      if (waitingOf(best) > 0) waiting.add(best); // to the back: senders take turns
      return { sender: best, job };
    },
    shed(victim) {
      const job = victim.queue.pop()!;
      queued -= 1;
      if (waitingOf(victim) === 0) {
        victim.queue = [];
        victim.head = 0;
        waiting.delete(victim);
        forgetIfDone(victim);
      }
      return job;
    },
    longest() {
      if (longest === undefined || !waiting.has(longest)) {
        longest = undefined;
        for (const sender of waiting)
          if (longest === undefined || waitingOf(sender) > waitingOf(longest)) longest = sender;
      }
      return longest;
    },
    forgetIfDone,
    clear() {
      senders.clear();
      waiting.clear();
      longest = undefined;
      queued = 0;
    },
    get queued() {
      return queued;
    },
  };
}
