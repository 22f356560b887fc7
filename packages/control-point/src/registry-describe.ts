// A description's result on its record: the fields and embedded devices it names, or the failure; an announced
// device reports it at once, a pending root is announced soon after (carrying it).
import { applyDescribeFailure, applyDescription, type DescriptionInfo } from './description-state.ts';
import { snapshotOf, type DeviceRecord } from './device-record.ts';
import type { DescribeFailureReason } from './events.ts';
import { announceBy } from './registry-announce.ts';
import type { RegistryState } from './registry-state.ts';

export function described(state: RegistryState, record: DeviceRecord, generation: number, info: DescriptionInfo): void {
  const d = record.description;
  if (record.removed || d === undefined || !applyDescription(d, generation, info, state.pool)) return;
  if (info.isRoot) record.root = true;
  for (const spelled of info.embedded) {
    const uuid = spelled.toLowerCase();
    if (uuid !== record.key) state.resolver.noteEmbedded(uuid, record);
  }
  if (!record.announced) {
    if (!record.root) return; // announced when it settles; it carries the description then
    state.resolver.adoptPending(record, info.embedded);
    announceSoon(state, record);
    return;
  }
  state.resolver.adoptPending(record, record.root ? info.embedded : []);
  state.onEvent({ event: 'device-updated', device: snapshotOf(record), changes: ['description'] });
}

export function describeFailed(
  state: RegistryState,
  record: DeviceRecord,
  generation: number,
  reason: DescribeFailureReason,
  detail: string,
  code: string | undefined,
): void {
  const d = record.description;
  if (record.removed || d === undefined || !applyDescribeFailure(d, generation, reason)) return;
  if (record.announced) state.onEvent({ event: 'describe-failed', device: snapshotOf(record), reason, code, detail });
  else {
    d.detail = detail;
    d.code = code;
    if (record.root) announceSoon(state, record);
  }
}

/** A pending root has its description (or its failure): announced now, or once its gather time is over. */
function announceSoon(state: RegistryState, record: DeviceRecord): void {
  announceBy(state, record, Math.max(state.clock.now(), record.firstSeen + state.limits.gatherMs));
}
