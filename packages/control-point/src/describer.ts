// Runs description fetches with bounded concurrency and a bounded queue, and turns a fetched body into the few
// fields the registry keeps. A failure is a value, never an exception: it is reported on the device.
import { parseDeviceDescription, type DescribedDevice } from '@ssdp/protocol';
import type { DescriptionFetcher } from './description-fetcher.ts';
import type { DescribeFailureReason } from './events.ts';
import type { DescriptionInfo } from './registry.ts';

export type DescribeResult =
  | { readonly ok: true; readonly info: DescriptionInfo }
  | { readonly ok: false; readonly reason: DescribeFailureReason; readonly detail: string; readonly code?: string };

export interface DescribeJob {
  readonly location: string;
  readonly source: string;
  /** The advertised UUID (without `uuid:`) the description must contain; undefined to skip the check. */
  readonly uuid: string | undefined;
  readonly done: (result: DescribeResult) => void;
  /** False once the result would be ignored (device gone, rebooted): the job is skipped, `done` not called. */
  readonly wanted?: () => boolean;
}

export interface DescriberInit {
  /** Fetches at once. Default 8. */
  readonly concurrency?: number;
  /** Jobs waiting beyond the running ones. Default 1024. */
  readonly maxQueue?: number;
  /**
   * Fetches at once for one sender address. Default 4 (half the slots), so one sender (a slowloris LOCATION
   * behind a flood of fresh UDNs) always leaves slots to the others.
   */
  readonly perSender?: number;
}

export interface Describer {
  /**
   * False when the queue is full and this sender already has the longest share of it (the caller retries on a
   * later advertisement). When the queue is full and another sender holds more of it, that sender's newest job
   * is completed at once with `sender-limit` to make room.
   */
  enqueue(job: DescribeJob): boolean;
  /** Resolves when nothing is queued or running. */
  idle(): Promise<void>;
  /** Aborts running fetches and drops the queue; their jobs are not completed. */
  stop(): void;
  readonly running: number;
  readonly queued: number;
  /** How many fetches run at once. */
  readonly concurrency: number;
  /** How many fetches of one sender run at once. */
  readonly perSender: number;
  /** Runs the description parser once on a tiny document, so the first real one does not pay its warm-up. */
  warm(): void;
}

/** The smallest description the parser accepts; only for warm(). */
const WARM_UP_DESCRIPTION = new TextEncoder().encode(
  '<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major><minor>0</minor></specVersion>' +
    '<device><deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType><friendlyName>-</friendlyName><manufacturer>-</manufacturer>' +
    '<modelName>-</modelName><UDN>uuid:00000000-0000-4000-8000-000000000000</UDN></device></root>',
);

/** One sender address: its running count and its own FIFO of waiting jobs. */
interface Sender {
  readonly address: string;
  running: number;
  queue: DescribeJob[];
  head: number;
}

function stripUuid(udn: string): string {
  return udn.toLowerCase().startsWith('uuid:') ? udn.slice(5) : udn;
}

/** The device of the tree whose UDN is `uuid` (the parser bounds the depth). */
function findDevice(device: DescribedDevice, uuid: string): DescribedDevice | undefined {
  if (stripUuid(device.udn).toLowerCase() === uuid.toLowerCase()) return device;
  for (const child of device.devices) {
    const found = findDevice(child, uuid);
    if (found !== undefined) return found;
  }
  return undefined;
}

function embeddedUuids(device: DescribedDevice, out: string[] = []): string[] {
  for (const child of device.devices) {
    out.push(stripUuid(child.udn));
    embeddedUuids(child, out);
  }
  return out;
}

/** Parses a fetched body and picks the advertised device out of it. */
export function interpretDescription(body: Uint8Array, uuid: string | undefined): DescribeResult {
  const parsed = parseDeviceDescription(body);
  if (!parsed.ok) {
    return { ok: false, reason: 'invalid-description', detail: parsed.error.message, code: parsed.error.code };
  }
  const root = parsed.description.device;
  const device = uuid === undefined ? root : findDevice(root, uuid);
  if (device === undefined) {
    return {
      ok: false,
      reason: 'udn-mismatch',
      detail: `the description at LOCATION is for ${root.udn}, not uuid:${uuid}`,
    };
  }
  return {
    ok: true,
    info: {
      friendlyName: device.friendlyName,
      manufacturer: device.manufacturer,
      modelName: device.modelName,
      deviceType: device.deviceType,
      embedded: device === root ? embeddedUuids(root) : [],
      isRoot: device === root,
    },
  };
}

export interface DescriberComponents {
  readonly fetcher: DescriptionFetcher;
  /**
   * Runs describer work at the caller's low priority: reading a fetched body (the XML parse and `done`) and
   * starting the next fetch when one ends. Default: at once. (enqueue() starts a fetch at once when a slot is
   * free: call it from low-priority work.)
   */
  readonly defer?: (task: () => void) => void;
}

export function createDescriber(init: DescriberInit, components: DescriberComponents): Describer {
  const concurrency = Math.max(1, init.concurrency ?? 8);
  const maxQueue = Math.max(0, init.maxQueue ?? 1024);
  const perSender = Math.min(concurrency, Math.max(1, init.perSender ?? 4));
  const senders = new Map<string, Sender>();
  /** Senders with waiting jobs, in turn order (a Set keeps insertion order; re-adding moves to the back). */
  const waiting = new Set<Sender>();
  let queued = 0;
  let running = 0;
  let stopped = false;
  const controllers = new Set<AbortController>();
  let idleWaiters: (() => void)[] = [];
  const defer = components.defer;
  let pumpQueued = false;

  function senderOf(address: string): Sender {
    let sender = senders.get(address);
    if (sender === undefined) {
      sender = { address, running: 0, queue: [], head: 0 };
      senders.set(address, sender);
    }
    return sender;
  }

  function waitingOf(sender: Sender): number {
    return sender.queue.length - sender.head;
  }

  function forgetIfDone(sender: Sender): void {
    if (sender.running === 0 && waitingOf(sender) === 0) senders.delete(sender.address);
  }

  function checkIdle(): void {
    if (running > 0 || queued > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
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

  /** The waiting sender with the fewest fetches running (the first such one in turn), if it may start one. */
  function nextSender(): Sender | undefined {
    let best: Sender | undefined;
    for (const sender of waiting) {
      if (best === undefined || sender.running < best.running) best = sender;
      if (best.running === 0) break;
    }
    return best !== undefined && best.running < perSender ? best : undefined;
  }

  /** Starts waiting jobs, the least busy sender first and senders in turn, none beyond its own limit. */
  function pump(): void {
    pumpQueued = false;
    while (!stopped && running < concurrency) {
      const sender = nextSender();
      if (sender === undefined) break;
      waiting.delete(sender);
      const job = takeNext(sender);
      if (waitingOf(sender) > 0) waiting.add(sender); // to the back: senders take turns
      if (job.wanted?.() === false) {
        forgetIfDone(sender); // its device is gone or changed: nothing to fetch
        continue;
      }
      run(sender, job);
    }
    checkIdle();
  }

  /** pump() at the caller's low priority (once, however many fetches end meanwhile). */
  function schedulePump(): void {
    if (defer === undefined) return pump();
    if (pumpQueued || stopped) return;
    pumpQueued = true;
    defer(pump);
  }

  /** Reads a fetched body (the XML parse) at the caller's low priority. */
  function interpretLater(body: Uint8Array, uuid: string | undefined): Promise<DescribeResult> {
    if (defer === undefined) return Promise.resolve(interpretDescription(body, uuid));
    return new Promise((resolve) =>
      defer(() =>
        resolve(stopped ? { ok: false, reason: 'network', detail: 'stopped' } : interpretDescription(body, uuid)),
      ),
    );
  }

  function run(sender: Sender, job: DescribeJob): void {
    running += 1;
    sender.running += 1;
    const controller = new AbortController();
    controllers.add(controller);
    components.fetcher
      .fetch({ location: job.location, source: job.source }, controller.signal)
      .then(
        (outcome) => (outcome.ok ? interpretLater(outcome.body, job.uuid) : outcome),
        (error: unknown): DescribeResult => ({ ok: false, reason: 'network', detail: String(error) }),
      )
      .then((result) => {
        if (!stopped) job.done(result);
      })
      .catch(() => undefined) // a throwing `done` must not stop the describer
      .finally(() => {
        controllers.delete(controller);
        running -= 1;
        sender.running -= 1;
        forgetIfDone(sender);
        schedulePump();
      });
  }

  /**
   * The sender holding the most waiting jobs: kept up to date as jobs are added, rescanned only once it has none
   * left, so a flood from many addresses against a full queue costs no scan per datagram. (After sheds it may be
   * one or two jobs short of the true longest: fair enough.)
   */
  let longest: Sender | undefined;

  function noteLongest(sender: Sender): void {
    if (longest === undefined || !waiting.has(longest) || waitingOf(sender) > waitingOf(longest)) longest = sender;
  }

  function longestWaiting(): Sender | undefined {
    if (longest === undefined || !waiting.has(longest)) {
      longest = undefined;
      for (const sender of waiting)
        if (longest === undefined || waitingOf(sender) > waitingOf(longest)) longest = sender;
    }
    return longest;
  }

  /** Completes the newest waiting job of `victim` with `sender-limit` (it is retried on a later advertisement). */
  function shed(victim: Sender): void {
    const job = victim.queue.pop()!;
    queued -= 1;
    if (waitingOf(victim) === 0) {
      victim.queue = [];
      victim.head = 0;
      waiting.delete(victim);
      forgetIfDone(victim);
    }
    try {
      job.done({
        ok: false,
        reason: 'sender-limit',
        detail: `the description queue is full and ${victim.address} holds the most of it (${waitingOf(victim) + 1} waiting)`,
      });
    } catch {
      // a throwing `done` must not stop the describer
    }
  }

  return {
    enqueue(job) {
      if (stopped) return false;
      const existing = senders.get(job.source);
      const canStart = running < concurrency && (existing === undefined || existing.running < perSender);
      if (!canStart && queued >= maxQueue) {
        // Full: make room only at the expense of a sender that holds more of the queue than this one would.
        const victim = longestWaiting();
        const mine = existing === undefined ? 0 : waitingOf(existing);
        if (victim === undefined || waitingOf(victim) <= mine + 1) return false;
        shed(victim);
      }
      const sender = senderOf(job.source);
      sender.queue.push(job);
      queued += 1;
      waiting.add(sender);
      noteLongest(sender);
      pump();
      return true;
    },
    idle() {
      if (running === 0 && queued === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    stop() {
      stopped = true;
      senders.clear();
      waiting.clear();
      longest = undefined;
      queued = 0;
      for (const controller of controllers) controller.abort(new Error('controller stopped'));
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const wake of waiters) wake();
    },
    get running() {
      return running;
    },
    get queued() {
      return queued;
    },
    concurrency,
    perSender,
    warm() {
      interpretDescription(WARM_UP_DESCRIPTION, '00000000-0000-4000-8000-000000000000');
    },
  };
}
