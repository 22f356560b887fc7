// The registry's internal record of one device: fields, not a Map of headers (this is what 100,000 devices cost).
// Events and callers outside the engine get a DeviceSnapshot instead. Two parts belong to one owner each: the
// expiry index's handle (`expiry`, opaque here) and the description state (description-state.ts).
import type { ScheduledTask } from '@ssdp/runtime';
import type { DescriptionState } from './description-state.ts';
import type { DeviceSnapshot } from './events.ts';

/** An absent BOOTID, CONFIGID, NEXTBOOTID or generation. */
export const NONE = -1;

declare const expirySlot: unique symbol;
/** The expiry index's handle on a record; only expiry-index.ts reads or writes it. */
export interface ExpirySlot {
  readonly [expirySlot]: true;
}

export class DeviceRecord {
  /** UUID in lower case (UUIDs compare case-insensitively, RFC 4122 §3), or the synthetic key as it is. */
  readonly key: string;
  /** The UUID as first spelled, for display (the same string as `key` when that is already lower case). */
  readonly spelling: string;
  readonly synthetic: boolean;
  address: string;
  interfaceId: string;
  locations: string[] = [];
  /** Index in `locations` of the LOCATION of the latest datagram, so `location` matches `address`. */
  currentLocation = 0;
  server: string | undefined = undefined;
  /** '' = the bare `uuid:KEY`; a target (`upnp:rootdevice`, types) of KEY; or a full `uuid:EMBEDDED…` USN. */
  usns: string[] = [];
  /** From a device-type USN of the root UUID. */
  usnDeviceType: string | undefined = undefined;
  bootId = NONE;
  configId = NONE;
  nextBootId = NONE;
  firstSeen: number;
  lastSeen: number;
  expiresAt: number;
  root = false;
  announced = false;
  removed = false;
  settleTask: ScheduledTask | undefined = undefined;
  expiry: ExpirySlot | undefined = undefined;
  /** Undefined when descriptions are off (the device is `skipped`). */
  readonly description: DescriptionState | undefined;

  constructor(
    key: string,
    spelling: string,
    synthetic: boolean,
    address: string,
    interfaceId: string,
    now: number,
    description: DescriptionState | undefined,
  ) {
    this.key = key;
    this.spelling = spelling;
    this.synthetic = synthetic;
    this.address = address;
    this.interfaceId = interfaceId;
    this.firstSeen = now;
    this.lastSeen = now;
    this.expiresAt = now;
    this.description = description;
  }

  get udn(): string {
    return this.synthetic ? this.key : `uuid:${this.spelling}`;
  }
}

/** The UUID of a whole `uuid:X[::target]` entry, in lower case (the key form). */
export function embeddedUuidOf(entry: string): string {
  const end = entry.indexOf('::');
  return entry.slice(5, end < 0 ? entry.length : end).toLowerCase();
}

/** The USN an entry of `record.usns` stands for. */
export function fullUsn(record: DeviceRecord, entry: string): string {
  if (entry.startsWith('uuid:')) return entry;
  if (record.synthetic) return entry === '' ? record.key : entry;
  return entry === '' ? `uuid:${record.spelling}` : `uuid:${record.spelling}::${entry}`;
}

/** The public form of a record: a copy, plain data. */
export function snapshotOf(record: DeviceRecord): DeviceSnapshot {
  const d = record.description;
  return {
    udn: record.udn,
    address: record.address,
    interfaceId: record.interfaceId,
    location: record.locations[record.currentLocation] ?? record.locations[0],
    locations: [...record.locations],
    server: record.server,
    usns: record.usns.map((entry) => fullUsn(record, entry)),
    deviceType: d?.deviceType ?? record.usnDeviceType,
    friendlyName: d?.friendlyName,
    manufacturer: d?.manufacturer,
    modelName: d?.modelName,
    bootId: record.bootId === NONE ? undefined : record.bootId,
    configId: record.configId === NONE ? undefined : record.configId,
    firstSeen: record.firstSeen,
    lastSeen: record.lastSeen,
    expiresAt: record.expiresAt,
    describe: d === undefined ? 'skipped' : d.state === 'none' ? 'pending' : d.state,
    describeError: d?.error,
  };
}
