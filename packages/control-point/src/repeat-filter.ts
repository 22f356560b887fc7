// Recognises a repeated advertisement before the full parse. Devices answer both sends of a search, and announce
// the same NOTIFYs again and again: byte for byte the same datagram from the same sender. When one arrives again,
// and the device it refreshed is still exactly as that datagram left it, the full path would change nothing but
// lastSeen/expiresAt: the caller does only that.
//
// A hit needs the exact bytes (so a new BOOTID, CONFIGID, LOCATION, max-age ... is never skipped) from the same
// address, port and interface, and a record still in the state the datagram left it in: not removed (a new record
// for the same UUID is another object), the same BOOTID, CONFIGID, NEXTBOOTID, SERVER, address, interface and
// current LOCATION. Its USN and LOCATION stay in the record once added (only the record's removal takes them; the
// caller remembers only datagrams of the record's own UUID, never an embedded device's). What the full path would
// still do is fold embedded devices waiting at the same LOCATION into the root: they fold when they settle anyway.
// Bounded by entries and by bytes (a datagram over `maxDatagramBytes` is never remembered: real advertisements are a
// few hundred bytes, and a flood of large ones must not pin memory): the oldest entry goes first. The owner sweeps
// out the entries of removed records now and then.
import { Buffer } from 'node:buffer';
import type { DeviceRecord } from './registry.ts';

export interface RepeatEntry {
  readonly bytes: Uint8Array;
  readonly address: string;
  readonly port: number;
  readonly interfaceId: string;
  readonly record: DeviceRecord;
  /** The lifetime the datagram gives (max-age, clamped), ms. */
  readonly lifetimeMs: number;
  readonly currentLocation: number;
  readonly bootId: number;
  readonly configId: number;
  readonly nextBootId: number;
  readonly server: string | undefined;
}

export interface RepeatFilter {
  /** The entry for these bytes from this sender, when the record is still as the datagram left it. */
  find(bytes: Uint8Array, address: string, port: number, interfaceId: string): RepeatEntry | undefined;
  /** Remembers what a datagram did to `record` (call after the full path). */
  remember(
    bytes: Uint8Array,
    address: string,
    port: number,
    interfaceId: string,
    record: DeviceRecord,
    lifetimeMs: number,
  ): void;
  /** Forgets the entries of removed records (they can never hit again, and they keep the record alive). */
  sweep(): void;
  clear(): void;
  readonly size: number;
  /** Bytes of the remembered datagrams. */
  readonly bytes: number;
  readonly hits: number;
}

/** FNV-1a over the bytes, then the port: the map key (a collision only costs a miss). */
function keyOf(bytes: Uint8Array, port: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i += 1) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return Math.imul(hash ^ port, 0x01000193) >>> 0;
}

function unchanged(entry: RepeatEntry, address: string, interfaceId: string): boolean {
  const record = entry.record;
  return (
    !record.removed &&
    record.currentLocation === entry.currentLocation &&
    record.bootId === entry.bootId &&
    record.configId === entry.configId &&
    record.nextBootId === entry.nextBootId &&
    record.server === entry.server &&
    record.address === address &&
    record.interfaceId === interfaceId
  );
}

export interface RepeatFilterLimits {
  readonly maxEntries: number;
  /** Bytes of remembered datagrams at most. Default 4 MiB. */
  readonly maxBytes?: number;
  /** Larger datagrams are not remembered. Default 2,048. */
  readonly maxDatagramBytes?: number;
}

export function createRepeatFilter(limits: RepeatFilterLimits): RepeatFilter {
  const { maxEntries } = limits;
  const maxBytes = limits.maxBytes ?? 4 * 1024 * 1024;
  const maxDatagramBytes = limits.maxDatagramBytes ?? 2048;
  const entries = new Map<number, RepeatEntry>();
  let held = 0;
  let hits = 0;

  function forget(key: number, entry: RepeatEntry): void {
    entries.delete(key);
    held -= entry.bytes.length;
  }

  return {
    find(bytes, address, port, interfaceId) {
      if (maxEntries <= 0) return undefined;
      const entry = entries.get(keyOf(bytes, port));
      if (
        entry === undefined ||
        entry.port !== port ||
        entry.address !== address ||
        entry.interfaceId !== interfaceId ||
        entry.bytes.length !== bytes.length ||
        Buffer.compare(entry.bytes, bytes) !== 0 ||
        !unchanged(entry, address, interfaceId)
      ) {
        return undefined;
      }
      hits += 1;
      return entry;
    },
    remember(bytes, address, port, interfaceId, record, lifetimeMs) {
      if (maxEntries <= 0 || bytes.length > maxDatagramBytes) return;
      const key = keyOf(bytes, port);
      const known = entries.get(key);
      if (known !== undefined) forget(key, known); // re-inserted last: the oldest entry is the first in the map
      for (const [oldestKey, oldest] of entries) {
        if (entries.size < maxEntries && held + bytes.length <= maxBytes) break;
        forget(oldestKey, oldest);
      }
      held += bytes.length;
      entries.set(key, {
        bytes: bytes.slice(), // its own copy: a transport may hand out views of a buffer it reuses
        address,
        port,
        interfaceId,
        record,
        lifetimeMs,
        currentLocation: record.currentLocation,
        bootId: record.bootId,
        configId: record.configId,
        nextBootId: record.nextBootId,
        server: record.server,
      });
    },
    sweep() {
      for (const [key, entry] of entries) if (entry.record.removed) forget(key, entry);
    },
    clear() {
      entries.clear();
      held = 0;
    },
    get size() {
      return entries.size;
    },
    get bytes() {
      return held;
    },
    get hits() {
      return hits;
    },
  };
}
