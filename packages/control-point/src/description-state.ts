// What a record knows of its description, and the describer's transitions on it. A generation is bumped on
// reboot and CONFIGID change, so a result asked for under an older one is ignored.
import type { DescribeFailureReason, DescribeState } from './events.ts';
import type { StringPool } from './string-pool.ts';

const NEVER = -1;

/** What a description contributes to a record. */
export interface DescriptionInfo {
  readonly friendlyName: string;
  readonly manufacturer: string;
  readonly modelName: string;
  readonly deviceType: string;
  /** UUIDs (without `uuid:`) of the embedded devices it lists. */
  readonly embedded: readonly string[];
  /** True when the record's UUID is the description's root UDN. */
  readonly isRoot: boolean;
}

export class DescriptionState {
  state: DescribeState | 'none' = 'none';
  error: DescribeFailureReason | undefined = undefined;
  /** Detail and code of a failure that happened before the device was announced (reported with it). */
  detail: string | undefined = undefined;
  code: string | undefined = undefined;
  generation = 0;
  /** The generation that was described (or failed); NEVER when never. */
  describedGeneration = NEVER;
  friendlyName: string | undefined = undefined;
  manufacturer: string | undefined = undefined;
  modelName: string | undefined = undefined;
  deviceType: string | undefined = undefined;
}

/** Whether it wants a description now (never asked, or CONFIGID/BOOTID changed since). */
export function wantsDescription(d: DescriptionState): boolean {
  return d.describedGeneration !== d.generation;
}

/** Marks a request as started; returns its generation. */
export function startDescribing(d: DescriptionState): number {
  d.describedGeneration = d.generation;
  d.state = 'pending';
  return d.generation;
}

/** A request of `generation` was refused: back to `previous`, and the next advertisement asks again. */
export function refuseDescribing(d: DescriptionState, generation: number, previous: DescribeState | 'none'): void {
  if (generation !== d.generation || d.state !== 'pending') return;
  d.describedGeneration = NEVER;
  d.state = previous;
}

/** Applies a description of `generation`; false when it is stale. */
export function applyDescription(
  d: DescriptionState,
  generation: number,
  info: DescriptionInfo,
  pool: StringPool,
): boolean {
  if (generation !== d.generation) return false;
  d.state = 'described';
  d.error = undefined;
  d.friendlyName = pool.intern(info.friendlyName);
  d.manufacturer = pool.intern(info.manufacturer);
  d.modelName = pool.intern(info.modelName);
  d.deviceType = pool.intern(info.deviceType);
  return true;
}

/** Applies a failure of `generation`; false when it is stale. */
export function applyDescribeFailure(d: DescriptionState, generation: number, reason: DescribeFailureReason): boolean {
  if (generation !== d.generation) return false;
  // Shed for lack of room, not refused by the device: a later advertisement asks again.
  if (reason === 'sender-limit' || reason === 'queue-full') d.describedGeneration = NEVER;
  d.state = 'failed';
  d.error = reason;
  return true;
}
