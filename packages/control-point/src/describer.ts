// Runs description fetches with bounded concurrency and a bounded queue, and turns a fetched body into the few
// fields the registry keeps. A failure is a value, never an exception: it is reported on the device.
import { parseDeviceDescription, type DescribedDevice } from '@ssdp/protocol';
import type { DescriptionFetcher } from './description-fetcher.ts';
import type { DescribeFailureReason } from './events.ts';
import type { DescriptionInfo } from './description-state.ts';
import { createSenderQueue, waitingOf, type Sender } from './sender-queue.ts';

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
  const jobs = createSenderQueue();
  let running = 0;
  let stopped = false;
  const controllers = new Set<AbortController>();
  let idleWaiters: (() => void)[] = [];
  const defer = components.defer;
  let pumpQueued = false;

  function wakeIdle(): void {
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Starts waiting jobs, the least busy sender first and senders in turn, none beyond its own limit. */
  function pump(): void {
    pumpQueued = false;
    while (!stopped && running < concurrency) {
      const next = jobs.next(perSender);
      if (next === undefined) break;
      if (next.job.wanted?.() === false) {
        jobs.forgetIfDone(next.sender); // its device is gone or changed: nothing to fetch
        continue;
      }
      run(next.sender, next.job);
    }
    if (running === 0 && jobs.queued === 0) wakeIdle();
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
        jobs.forgetIfDone(sender);
        schedulePump();
      });
  }

  /** Completes the newest waiting job of `victim` with `sender-limit` (it is retried on a later advertisement). */
  function shed(victim: Sender): void {
    const job = jobs.shed(victim);
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
      const existing = jobs.get(job.source);
      const canStart = running < concurrency && (existing === undefined || existing.running < perSender);
      if (!canStart && jobs.queued >= maxQueue) {
        // Full: make room only at the expense of a sender that holds more of the queue than this one would.
        const victim = jobs.longest();
        const mine = existing === undefined ? 0 : waitingOf(existing);
        if (victim === undefined || waitingOf(victim) <= mine + 1) return false;
        shed(victim);
      }
      jobs.add(job);
      pump();
      return true;
    },
    idle() {
      if (running === 0 && jobs.queued === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    stop() {
      stopped = true;
      jobs.clear();
      for (const controller of controllers) controller.abort(new Error('controller stopped'));
      wakeIdle();
    },
    get running() {
      return running;
    },
    get queued() {
      return jobs.queued;
    },
    concurrency,
    perSender,
    warm() {
      interpretDescription(WARM_UP_DESCRIPTION, '00000000-0000-4000-8000-000000000000');
    },
  };
}
