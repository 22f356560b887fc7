// The registry's state transitions, without timers or I/O: what an advertisement changes on its record (BOOTID,
// CONFIGID, USNs, LOCATION, SERVER, sender), and which event that makes of an announced device.
import { NONE, snapshotOf, type DeviceRecord } from './device-record.ts';
import type { EmbeddedResolver } from './embedded-resolver.ts';
import type { Observation, ObserveOutcome, RegistryEvent } from './registry-types.ts';
import { detach, type StringPool } from './string-pool.ts';

export interface CoreContext {
  readonly resolver: EmbeddedResolver;
  readonly pool: StringPool;
}

export interface Transition {
  /** What changed that an event reports (location, server, bootId, configId, nextBootId). */
  readonly changes: string[];
  /** The BOOTID before a reboot, or NONE. */
  readonly rebootedFrom: number;
  readonly usnAdded: boolean | 'full';
}

/** Its BOOTID is older than the record's: a datagram from before a reboot. */
export function isStale(record: DeviceRecord, observation: Observation): boolean {
  return observation.bootId !== undefined && record.bootId !== NONE && observation.bootId < record.bootId;
}

/** Applies an alive or update advertisement of the UUID key `uuid` to its record. */
export function applyObservation(
  record: DeviceRecord,
  observation: Observation,
  uuid: string,
  context: CoreContext,
): Transition {
  const changes: string[] = [];
  const rebootedFrom = applyBootIds(record, observation, changes);
  applyConfigId(record, observation, changes);
  const usnAdded = applyUsn(record, observation, uuid, context);
  applyHeaders(record, observation, changes, context);
  return { changes, rebootedFrom, usnAdded };
}

/** BOOTID up means a reboot, unless an ssdp:update announced that value (NEXTBOOTID). */
function applyBootIds(record: DeviceRecord, observation: Observation, changes: string[]): number {
  let rebootedFrom = NONE;
  if (observation.bootId !== undefined && observation.bootId !== record.bootId) {
    if (record.bootId === NONE || observation.bootId === record.nextBootId) {
      if (record.bootId !== NONE) changes.push('bootId');
    } else {
      rebootedFrom = record.bootId;
      newGeneration(record);
    }
    record.bootId = observation.bootId;
    if (observation.bootId === record.nextBootId) record.nextBootId = NONE;
  }
  if (observation.kind === 'update' && observation.nextBootId !== undefined) {
    if (observation.nextBootId !== record.nextBootId) {
      record.nextBootId = observation.nextBootId;
      changes.push('nextBootId');
    }
  }
  return rebootedFrom;
}

function applyConfigId(record: DeviceRecord, observation: Observation, changes: string[]): void {
  if (observation.configId === undefined || observation.configId === record.configId) return;
  if (record.configId !== NONE) {
    changes.push('configId');
    newGeneration(record);
  }
  record.configId = observation.configId;
}

/** A description asked for before a reboot or a CONFIGID change is stale. */
function newGeneration(record: DeviceRecord): void {
  if (record.description !== undefined) record.description.generation += 1;
}

/** Root or embedded, the device type, and the USN itself (not an event of its own: later events carry them all). */
function applyUsn(
  record: DeviceRecord,
  observation: Observation,
  uuid: string,
  context: CoreContext,
): boolean | 'full' {
  const { resolver, pool } = context;
  if (uuid === record.key || observation.syntheticKey === true) {
    if (observation.target === 'upnp:rootdevice' || observation.syntheticKey === true) record.root = true;
    if (observation.deviceTypeTarget === true && record.usnDeviceType === undefined) {
      record.usnDeviceType = pool.intern(observation.target);
    }
  } else {
    resolver.noteEmbedded(uuid, record);
  }
  return resolver.addUsn(record, usnEntry(record, uuid, observation.uuid, observation.target, pool));
}

/**
 * The stored form of a USN under `record` (targets of its own UUID are pooled: many devices share them); an
 * embedded device's USN is kept whole, as spelled.
 */
function usnEntry(record: DeviceRecord, uuid: string, spelled: string, target: string, pool: StringPool): string {
  if (uuid === record.key) return target === '' ? '' : pool.intern(target);
  return detach(target === '' ? `uuid:${spelled}` : `uuid:${spelled}::${target}`);
}

function applyHeaders(record: DeviceRecord, observation: Observation, changes: string[], context: CoreContext): void {
  const { resolver, pool } = context;
  if (observation.location !== undefined) {
    if (resolver.addLocation(record, observation.location)) changes.push('location');
    const index = record.locations.indexOf(observation.location);
    if (index >= 0) record.currentLocation = index;
  }
  if (observation.server !== undefined && observation.server !== record.server) {
    if (record.server !== undefined) changes.push('server');
    record.server = pool.intern(observation.server);
  }
  if (observation.address !== record.address) record.address = detach(observation.address);
  if (observation.interfaceId !== record.interfaceId) record.interfaceId = pool.intern(observation.interfaceId);
}

/** The event a transition makes of an announced device (none for a plain refresh), and the outcome. */
export function eventOf(
  record: DeviceRecord,
  transition: Transition,
): { outcome: ObserveOutcome; event: RegistryEvent | undefined } {
  if (transition.rebootedFrom !== NONE) {
    const device = snapshotOf(record);
    return { outcome: 'updated', event: { event: 'device-rebooted', device, previousBootId: transition.rebootedFrom } };
  }
  if (transition.changes.length > 0) {
    const device = snapshotOf(record);
    return { outcome: 'updated', event: { event: 'device-updated', device, changes: transition.changes } };
  }
  return { outcome: transition.usnAdded === 'full' ? 'usn-limit' : 'refreshed', event: undefined };
}
