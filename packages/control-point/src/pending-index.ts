// The records not announced yet (few at once: mostly embedded devices racing their root), filed by LOCATION too, so
// a root that shows up at one of their LOCATIONs finds them without a scan.
import type { DeviceRecord } from './device-record.ts';

export interface PendingIndex {
  readonly records: ReadonlySet<DeviceRecord>;
  add(record: DeviceRecord): void;
  /** Files `record` under a LOCATION it just gained, when it is pending. */
  addLocation(record: DeviceRecord, location: string): void;
  /** The pending records at `location` (the live list: copy it before changing the index). */
  at(location: string): readonly DeviceRecord[] | undefined;
  /** The record is announced or gone: no longer pending. */
  delete(record: DeviceRecord): void;
  clear(): void;
}

export function createPendingIndex(): PendingIndex {
  const records = new Set<DeviceRecord>();
  /** LOCATION -> the pending records at it. */
  const byLocation = new Map<string, DeviceRecord[]>();
  return {
    records,
    add(record) {
      records.add(record);
    },
    addLocation(record, location) {
      if (!records.has(record)) return;
      const here = byLocation.get(location);
      if (here === undefined) byLocation.set(location, [record]);
      else here.push(record);
    },
    at: (location) => byLocation.get(location),
    delete(record) {
      if (!records.delete(record)) return;
      for (const location of record.locations) {
        const here = byLocation.get(location);
        if (here === undefined) continue;
        const index = here.indexOf(record);
        if (index >= 0) here.splice(index, 1);
        if (here.length === 0) byLocation.delete(location);
      }
    },
    clear() {
      records.clear();
      byLocation.clear();
    },
  };
}
