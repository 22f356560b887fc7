// When each record expires: one task per record on the shared scheduler (one heap, one clock timer for every
// deadline of the engine). A refresh only moves `expiresAt`; the pending task notices when it fires and is armed
// again (the same task, moved), so a busy device costs no heap work. Only a shortened lifetime (or a first one) touches the heap at once.
import type { ScheduledTask, Scheduler } from '@ssdp/runtime';
import type { DeviceRecord, ExpirySlot } from './device-record.ts';

export interface ExpiryIndex {
  /** Makes sure `record` expires at its `expiresAt` (at the latest it is looked at then). */
  arm(record: DeviceRecord): void;
  remove(record: DeviceRecord): void;
}

const taskOf = (record: DeviceRecord): ScheduledTask | undefined => record.expiry as ScheduledTask | undefined;

export function createExpiryIndex(
  scheduler: Scheduler,
  now: () => number,
  onExpired: (record: DeviceRecord) => void,
): ExpiryIndex {
  function arm(record: DeviceRecord): void {
    const task = taskOf(record);
    if (task === undefined) {
      // One task for the record's life: it is moved, never replaced.
      record.expiry = scheduler.scheduleAt(record.expiresAt, () => due(record)) as unknown as ExpirySlot;
    } else if (!task.pending || task.dueAt > record.expiresAt) {
      scheduler.reschedule(task, record.expiresAt);
    }
  }

  function due(record: DeviceRecord): void {
    if (record.removed) return;
    if (now() < record.expiresAt) arm(record);
    else onExpired(record);
  }

  return {
    arm,
    remove(record) {
      const task = taskOf(record);
      if (task !== undefined) scheduler.cancel(task);
      record.expiry = undefined;
    },
  };
}
