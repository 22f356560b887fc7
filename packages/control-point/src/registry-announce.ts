// When a record not announced yet is: a root after gatherMs, or once described (up to describeWaitMs); another
// record after settleMs, unless a root shows up at one of its LOCATIONs first (then it is folded into that root).
import { snapshotOf, type DeviceRecord } from './device-record.ts';
import type { RegistryState } from './registry-state.ts';

/** Sets when a record not announced yet will be (`isNew`: stored by this observation). */
export function schedulePending(state: RegistryState, record: DeviceRecord, isNew: boolean, now: number): void {
  if (record.root) {
    state.resolver.adoptPending(record);
    // Announced once its description is in (or failed), after the gather time, or at the wait limit.
    const { gatherMs, rootWaitMs } = state.limits;
    announceBy(state, record, record.firstSeen + (record.description === undefined ? gatherMs : rootWaitMs));
  } else if (isNew) {
    announceBy(state, record, now + state.limits.settleMs);
  }
}

/** Announces `record` at `at` at the latest. */
export function announceBy(state: RegistryState, record: DeviceRecord, at: number): void {
  const task = record.settleTask;
  if (task?.pending === true) {
    if (task.dueAt <= at) return;
    state.scheduler.cancel(task);
  }
  record.settleTask = state.scheduler.scheduleAt(at, () => settle(state, record));
}

export function cancelSettle(state: RegistryState, record: DeviceRecord): void {
  if (record.settleTask?.pending === true) state.scheduler.cancel(record.settleTask);
  record.settleTask = undefined;
}

/** Its time is up: announces `record`, or folds it into a root that showed up at its LOCATION. */
export function settle(state: RegistryState, record: DeviceRecord): void {
  cancelSettle(state, record);
  if (record.removed || record.announced) return;
  // A root may have shown up at the same LOCATION in the meantime: then this was one of its embedded devices.
  const root = state.resolver.rootAt(record);
  if (root !== undefined) state.resolver.fold(record, root);
  else announce(state, record);
}

/** device-added, then the describe-failed held back while it was pending. */
function announce(state: RegistryState, record: DeviceRecord): void {
  cancelSettle(state, record);
  state.resolver.unpend(record);
  state.announcedCount += 1;
  record.announced = true;
  state.onEvent({ event: 'device-added', device: snapshotOf(record) });
  const d = record.description;
  if (d?.state === 'failed' && d.error !== undefined) {
    const detail = d.detail ?? d.error;
    state.onEvent({ event: 'describe-failed', device: snapshotOf(record), reason: d.error, code: d.code, detail });
  }
  if (d !== undefined) {
    d.detail = undefined;
    d.code = undefined;
  }
}
