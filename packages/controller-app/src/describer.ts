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
}

export interface DescriberInit {
  /** Fetches at once. Default 8. */
  readonly concurrency?: number;
  /** Jobs waiting beyond the running ones. Default 1024. */
  readonly maxQueue?: number;
}

export interface Describer {
  /** False when the queue is full (the caller retries on a later advertisement). */
  enqueue(job: DescribeJob): boolean;
  /** Resolves when nothing is queued or running. */
  idle(): Promise<void>;
  /** Aborts running fetches and drops the queue; their jobs are not completed. */
  stop(): void;
  readonly running: number;
  readonly queued: number;
  /** How many fetches run at once. */
  readonly concurrency: number;
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
    return { ok: false, reason: 'udn-mismatch', detail: `the description at LOCATION is for ${root.udn}, not uuid:${uuid}` };
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

export function createDescriber(init: DescriberInit, components: { readonly fetcher: DescriptionFetcher }): Describer {
  const concurrency = Math.max(1, init.concurrency ?? 8);
  const maxQueue = Math.max(0, init.maxQueue ?? 1024);
  const queue: DescribeJob[] = [];
  let head = 0;
  let running = 0;
  let stopped = false;
  const controllers = new Set<AbortController>();
  let idleWaiters: (() => void)[] = [];

  function queuedCount(): number {
    return queue.length - head;
  }

  function checkIdle(): void {
    if (running > 0 || queuedCount() > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  }

  function pump(): void {
    while (!stopped && running < concurrency && queuedCount() > 0) {
      const job = queue[head]!;
      queue[head] = undefined as unknown as DescribeJob;
      head += 1;
      if (head > 1024 && head * 2 > queue.length) {
        queue.splice(0, head);
        head = 0;
      }
      run(job);
    }
    checkIdle();
  }

  function run(job: DescribeJob): void {
    running += 1;
    const controller = new AbortController();
    controllers.add(controller);
    components.fetcher
      .fetch({ location: job.location, source: job.source }, controller.signal)
      .then(
        (outcome) => (outcome.ok ? interpretDescription(outcome.body, job.uuid) : outcome),
        (error: unknown): DescribeResult => ({ ok: false, reason: 'network', detail: String(error) }),
      )
      .then((result) => {
        if (!stopped) job.done(result);
      })
      .catch(() => undefined) // a throwing `done` must not stop the describer
      .finally(() => {
        controllers.delete(controller);
        running -= 1;
        pump();
      });
  }

  return {
    enqueue(job) {
      if (stopped) return false;
      if (running >= concurrency && queuedCount() >= maxQueue) return false;
      queue.push(job);
      pump();
      return true;
    },
    idle() {
      if (running === 0 && queuedCount() === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    stop() {
      stopped = true;
      queue.length = 0;
      head = 0;
      for (const controller of controllers) controller.abort(new Error('controller stopped'));
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const wake of waiters) wake();
    },
    get running() {
      return running;
    },
    get queued() {
      return queuedCount();
    },
    concurrency,
  };
}
