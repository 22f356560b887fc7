// The page's copy of the registry: replaced by each snapshot, patched by each delta. The filtered, sorted view is
// computed lazily, once per change, however many deltas arrived in between.
import type { DeltaMessage, SnapshotMessage, WireDevice } from '../src/wire.ts';
import { addressKey, shortType } from './format.ts';

export type SortKey = 'name' | 'type' | 'model' | 'address' | 'bootId' | 'lastSeen' | 'expires';

export interface Row {
  readonly device: WireDevice;
  readonly name: string;
  readonly type: string;
  readonly model: string;
  /** Lower-case text the filter searches. */
  readonly haystack: string;
  readonly addressKey: string;
  readonly lastSeenMs: number;
  readonly expiresMs: number;
}

export function displayName(device: WireDevice): string {
  return device.friendlyName ?? device.server ?? device.udn;
}

function toRow(device: WireDevice): Row {
  const name = displayName(device);
  const type = shortType(device.deviceType);
  const model = [device.manufacturer, device.modelName].filter((part) => part !== null && part !== '').join(' ');
  return {
    device,
    name,
    type,
    model,
    haystack: `${name}\n${device.deviceType ?? ''}\n${model}\n${device.address}\n${device.udn}\n${device.server ?? ''}`.toLowerCase(),
    addressKey: addressKey(device.address),
    lastSeenMs: Date.parse(device.lastSeen),
    expiresMs: Date.parse(device.expiresAt),
  };
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

function compareBy(key: SortKey): (a: Row, b: Row) => number {
  switch (key) {
    case 'name':
      return (a, b) => collator.compare(a.name, b.name);
    case 'type':
      return (a, b) => collator.compare(a.type, b.type);
    case 'model':
      return (a, b) => collator.compare(a.model, b.model);
    case 'address':
      return (a, b) => (a.addressKey < b.addressKey ? -1 : a.addressKey > b.addressKey ? 1 : 0);
    case 'bootId':
      return (a, b) => (a.device.bootId ?? -1) - (b.device.bootId ?? -1);
    case 'lastSeen':
      return (a, b) => a.lastSeenMs - b.lastSeenMs;
    case 'expires':
      return (a, b) => a.expiresMs - b.expiresMs;
  }
}

export class DeviceStore {
  readonly #rows = new Map<string, Row>();
  /** Server clock minus ours, ms: countdowns use the server's notion of now. */
  offsetMs = 0;
  #version = 0;
  #view: { key: string; rows: Row[] } | undefined;
  /** Updates applied (upserts and removals), for the benchmark. */
  applied = 0;

  get size(): number {
    return this.#rows.size;
  }

  get version(): number {
    return this.#version;
  }

  get(udn: string): Row | undefined {
    return this.#rows.get(udn);
  }

  serverNow(): number {
    return Date.now() + this.offsetMs;
  }

  applySnapshot(message: SnapshotMessage): void {
    this.#rows.clear();
    for (const device of message.devices) this.#rows.set(device.udn, toRow(device));
    this.offsetMs = message.serverTime - Date.now();
    this.applied += message.devices.length;
    this.#changed();
  }

  /** Returns the UDNs removed (the details panel marks its device as gone). */
  applyDelta(message: DeltaMessage): Map<string, string> {
    const removed = new Map<string, string>();
    for (const device of message.upserts) this.#rows.set(device.udn, toRow(device));
    for (const { udn, reason } of message.removals) {
      if (this.#rows.delete(udn)) removed.set(udn, reason);
    }
    this.offsetMs = message.serverTime - Date.now();
    this.applied += message.upserts.length + message.removals.length;
    if (message.upserts.length > 0 || message.removals.length > 0) this.#changed();
    return removed;
  }

  #changed(): void {
    this.#version += 1;
  }

  /** The rows matching `filter` (every word must appear), sorted; recomputed only after a change. */
  view(filter: string, sort: SortKey, descending: boolean): Row[] {
    const key = `${this.#version}\n${filter}\n${sort}\n${descending}`;
    if (this.#view?.key === key) return this.#view.rows;
    const words = filter.toLowerCase().split(/\s+/).filter((word) => word !== '');
    const rows: Row[] = [];
    for (const row of this.#rows.values()) if (words.every((word) => row.haystack.includes(word))) rows.push(row);
    const compare = compareBy(sort);
    const direction = descending ? -1 : 1;
    rows.sort((a, b) => direction * compare(a, b) || (a.device.udn < b.device.udn ? -1 : a.device.udn > b.device.udn ? 1 : 0));
    this.#view = { key, rows };
    return rows;
  }
}
