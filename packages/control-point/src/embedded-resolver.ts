// Which record an advertisement belongs to. Every USN of a device is grouped under its root: its own UUID's
// targets, and its embedded devices (another UUID at the same LOCATION, or listed in its description).
//
// Embedded devices race their root: search responses are spread over MX seconds, so `uuid:EMBEDDED::…` can arrive
// before the root's `upnp:rootdevice`. A record that is not known to be a root yet is "pending": the registry
// announces it when it settles, unless a root shows up at one of its LOCATIONs first; then it is folded into it
// (pending-index.ts files them by LOCATION).
import { detach } from './string-pool.ts';
import { embeddedUuidOf, fullUsn, type DeviceRecord } from './device-record.ts';
import { createPendingIndex } from './pending-index.ts';

export interface EmbeddedResolverInit {
  readonly maxUsns: number;
  readonly maxLocations: number;
}

export interface EmbeddedResolverParts {
  /** The record stored under a key. */
  readonly lookup: (key: string) => DeviceRecord | undefined;
  /** Takes a record out of the registry without an event (it is being folded into its root). */
  readonly unlink: (record: DeviceRecord) => void;
}

export interface EmbeddedResolver {
  /** The record an observation of the UUID key `uuid` (at `location`, for `target`) belongs to, if any. */
  find(uuid: string, location: string | undefined, target: string): DeviceRecord | undefined;
  /** Adds a USN entry; 'full' when the record keeps the most already. */
  addUsn(record: DeviceRecord, entry: string): boolean | 'full';
  /** Adds a LOCATION; false when known or past the bound. */
  addLocation(record: DeviceRecord, location: string): boolean;
  /** Files `uuid` (key form) as an embedded device of `record`, unless it is filed already. */
  noteEmbedded(uuid: string, record: DeviceRecord): void;
  /** An embedded device said goodbye: forgets its USNs on `root`; true when it had any. */
  dropEmbedded(root: DeviceRecord, uuid: string): boolean;
  markPending(record: DeviceRecord): void;
  /** The record is announced: no longer pending. */
  unpend(record: DeviceRecord): void;
  readonly pending: ReadonlySet<DeviceRecord>;
  /** Forgets everything the indexes hold of `record`. */
  forget(record: DeviceRecord): void;
  /** A root at one of a pending record's LOCATIONs, if one showed up. */
  rootAt(record: DeviceRecord): DeviceRecord | undefined;
  /** Merges a pending record into its root, without events. */
  fold(record: DeviceRecord, root: DeviceRecord): void;
  /** Folds the pending records at one of `root`'s LOCATIONs (or listed as its embedded devices) into it. */
  adoptPending(root: DeviceRecord, alsoUuids?: readonly string[]): void;
  clear(): void;
}

export function createEmbeddedResolver(init: EmbeddedResolverInit, parts: EmbeddedResolverParts): EmbeddedResolver {
  /** Embedded UUID -> its root's record. */
  const embedded = new Map<string, DeviceRecord>();
  /** LOCATION -> the record that claimed it (a root takes it over from a pending record). */
  const byLocation = new Map<string, DeviceRecord>();
  const pending = createPendingIndex();

  function addUsn(record: DeviceRecord, entry: string): boolean | 'full' {
    if (hasUsn(record, entry)) return false;
    if (record.usns.length >= init.maxUsns) return 'full';
    record.usns = [...record.usns, entry]; // exactly sized: push() would reserve 17 slots for the first entry
    if (entry.startsWith('uuid:')) {
      const uuid = embeddedUuidOf(entry);
      if (!embedded.has(uuid)) embedded.set(uuid, record);
    }
    return true;
  }

  function addLocation(record: DeviceRecord, location: string): boolean {
    if (record.locations.includes(location) || record.locations.length >= init.maxLocations) return false;
    const stored = detach(location);
    record.locations = [...record.locations, stored];
    pending.addLocation(record, stored);
    const owner = byLocation.get(stored);
    if (owner === undefined || (!owner.root && record.root)) byLocation.set(stored, record);
    return true;
  }

  function fold(record: DeviceRecord, root: DeviceRecord): void {
    if (record === root || record.announced || record.removed) return;
    parts.unlink(record);
    for (const entry of record.usns) addUsn(root, entry.startsWith('uuid:') ? entry : fullUsn(record, entry));
    embedded.set(record.key, root);
    for (const entry of record.usns) if (entry.startsWith('uuid:')) embedded.set(embeddedUuidOf(entry), root);
    for (const location of record.locations) addLocation(root, location);
    root.expiresAt = Math.max(root.expiresAt, record.expiresAt);
  }

  return {
    find(uuid, location, target) {
      const own = parts.lookup(uuid);
      if (own !== undefined) return own;
      const root = embedded.get(uuid);
      if (root !== undefined && !root.removed) return root;
      return location !== undefined && target !== 'upnp:rootdevice' ? liveRootAt(byLocation, location) : undefined;
    },
    addUsn,
    addLocation,
    noteEmbedded(uuid, record) {
      if (!embedded.has(uuid)) embedded.set(detach(uuid), record);
    },
    dropEmbedded(root, uuid) {
      const before = root.usns.length;
      root.usns = root.usns.filter((entry) => !entry.startsWith('uuid:') || embeddedUuidOf(entry) !== uuid);
      embedded.delete(uuid);
      return root.usns.length !== before;
    },
    markPending: pending.add,
    unpend: pending.delete,
    pending: pending.records,
    forget(record) {
      pending.delete(record);
      forgetIndexed(embedded, byLocation, record);
    },
    rootAt(record) {
      if (record.root) return undefined;
      for (const location of record.locations) {
        const root = liveRootAt(byLocation, location);
        if (root !== undefined && root !== record) return root;
      }
      return undefined;
    },
    fold,
    adoptPending(root, alsoUuids = []) {
      for (const location of root.locations) {
        const here = pending.at(location);
        if (here === undefined) continue;
        for (const candidate of [...here]) if (candidate !== root && !candidate.root) fold(candidate, root);
      }
      for (const uuid of alsoUuids) {
        const candidate = parts.lookup(uuid.toLowerCase());
        if (candidate !== undefined && candidate !== root && !candidate.announced && !candidate.root)
          fold(candidate, root);
      }
    },
    clear() {
      embedded.clear();
      byLocation.clear();
      pending.clear();
    },
  };
}

/** Whether `record` has `entry`, an embedded device's UUID compared case-insensitively. */
function hasUsn(record: DeviceRecord, entry: string): boolean {
  if (record.usns.includes(entry)) return true;
  if (!entry.startsWith('uuid:')) return false;
  const uuid = embeddedUuidOf(entry);
  const rest = entry.slice(5 + uuid.length);
  return record.usns.some(
    (other) => other.startsWith('uuid:') && embeddedUuidOf(other) === uuid && other.slice(5 + uuid.length) === rest,
  );
}

/** The root that claimed `location`, unless it is gone. */
function liveRootAt(byLocation: ReadonlyMap<string, DeviceRecord>, location: string): DeviceRecord | undefined {
  const owner = byLocation.get(location);
  return owner !== undefined && owner.root && !owner.removed ? owner : undefined;
}

/** Takes `record` out of the LOCATION and embedded-UUID indexes where it is the one filed. */
function forgetIndexed(
  embedded: Map<string, DeviceRecord>,
  byLocation: Map<string, DeviceRecord>,
  record: DeviceRecord,
): void {
  for (const location of record.locations) if (byLocation.get(location) === record) byLocation.delete(location);
  for (const entry of record.usns) {
    if (!entry.startsWith('uuid:')) continue;
    const uuid = embeddedUuidOf(entry);
    if (embedded.get(uuid) === record) embedded.delete(uuid);
  }
}
