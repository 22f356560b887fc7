// The page's copy of the registry: replaced by each snapshot, patched by each delta. The filtered, sorted view is
// kept between deltas: an update that leaves a row's sort key and filter match alone replaces the row in place;
// anything else re-sorts, once, at the next draw. Sort keys are computed once per row and column, so a sort of
// 10,000 rows compares plain strings and numbers.
import { snapshotDevices, type DeltaMessage, type SnapshotMessage, type WireDevice } from '../src/wire.ts';
import { addressKey, shortType } from './format.ts';

export type SortKey = 'name' | 'type' | 'model' | 'address' | 'bootId' | 'lastSeen' | 'expires';

export interface Row {
  readonly device: WireDevice;
  readonly name: string;
  readonly type: string;
  readonly model: string;
  readonly lastSeenMs: number;
  readonly expiresMs: number;
}

export function displayName(device: WireDevice): string {
  return device.friendlyName ?? device.server ?? device.udn;
}

/** Case-folded, digit runs padded, so a plain comparison puts "Lamp 9" before "Lamp 10". */
function naturalKey(text: string): string {
  return text.toLowerCase().replace(/\d+/g, (digits) => digits.padStart(12, '0'));
}

function toRow(device: WireDevice): Row {
  return {
    device,
    name: displayName(device),
    type: shortType(device.deviceType),
    model:
      device.manufacturer === null || device.manufacturer === ''
        ? (device.modelName ?? '')
        : `${device.manufacturer} ${device.modelName ?? ''}`.trimEnd(),
    lastSeenMs: Date.parse(device.lastSeen),
    expiresMs: Date.parse(device.expiresAt),
  };
}

// Sort keys and filter text are made on first use and kept with the row (a row is replaced, never changed), so
// the first render of 10,000 devices pays only for the column it sorts by.
const sortKeys = new WeakMap<Row, Partial<Record<SortKey, string | number>>>();
const haystacks = new WeakMap<Row, string>();

function keyOf(row: Row, sort: SortKey): string | number {
  let keys = sortKeys.get(row);
  if (keys === undefined) {
    keys = {};
    sortKeys.set(row, keys);
  }
  let key = keys[sort];
  if (key === undefined) {
    const device = row.device;
    key =
      sort === 'name'
        ? naturalKey(row.name)
        : sort === 'type'
          ? naturalKey(row.type)
          : sort === 'model'
            ? naturalKey(row.model)
            : sort === 'address'
              ? addressKey(device.address)
              : sort === 'bootId'
                ? (device.bootId ?? -1)
                : sort === 'lastSeen'
                  ? row.lastSeenMs
                  : row.expiresMs;
    keys[sort] = key;
  }
  return key;
}

function haystackOf(row: Row): string {
  let text = haystacks.get(row);
  if (text === undefined) {
    const d = row.device;
    text = `${row.name}\n${d.deviceType ?? ''}\n${row.model}\n${d.address}\n${d.udn}\n${d.server ?? ''}`.toLowerCase();
    haystacks.set(row, text);
  }
  return text;
}

interface View {
  readonly filter: string;
  readonly words: readonly string[];
  readonly sort: SortKey;
  readonly descending: boolean;
  rows: Row[];
  /** UDN -> position in rows. */
  index: Map<string, number>;
  /** Set when a change needs a new filter and sort. */
  stale: boolean;
}

function matches(row: Row, words: readonly string[]): boolean {
  return words.length === 0 || words.every((word) => haystackOf(row).includes(word));
}

export class DeviceStore {
  readonly #rows = new Map<string, Row>();
  /** Server clock minus ours, ms: countdowns use the server's notion of now. */
  offsetMs = 0;
  #view: View | undefined;
  /** Updates applied (upserts and removals), for the benchmark. */
  applied = 0;

  get size(): number {
    return this.#rows.size;
  }

  get(udn: string): Row | undefined {
    return this.#rows.get(udn);
  }

  serverNow(): number {
    return Date.now() + this.offsetMs;
  }

  applySnapshot(message: SnapshotMessage): void {
    this.#rows.clear();
    for (const device of snapshotDevices(message)) this.#rows.set(device.udn, toRow(device));
    this.offsetMs = message.serverTime - Date.now();
    this.applied += message.devices.length;
    if (this.#view !== undefined) this.#view.stale = true;
  }

  /** Returns the UDNs removed (the details panel marks its device as gone). */
  applyDelta(message: DeltaMessage): Map<string, string> {
    const removed = new Map<string, string>();
    const view = this.#view;
    for (const device of message.upserts) {
      const row = toRow(device);
      const previous = this.#rows.get(device.udn);
      this.#rows.set(device.udn, row);
      if (view === undefined || view.stale) continue;
      const at = view.index.get(device.udn);
      const before = previous !== undefined && matches(previous, view.words);
      const after = matches(row, view.words);
      if (at !== undefined && before && after && keyOf(previous, view.sort) === keyOf(row, view.sort))
        view.rows[at] = row;
      else if (before || after) view.stale = true;
    }
    for (const { udn, reason } of message.removals) {
      if (!this.#rows.delete(udn)) continue;
      removed.set(udn, reason);
      if (view !== undefined && view.index.has(udn)) view.stale = true;
    }
    this.offsetMs = message.serverTime - Date.now();
    this.applied += message.upserts.length + message.removals.length;
    return removed;
  }

  /** The rows matching `filter` (every word must appear), sorted; re-sorted only when a change asks for it. */
  view(filter: string, sort: SortKey, descending: boolean): Row[] {
    const current = this.#view;
    if (
      current !== undefined &&
      !current.stale &&
      current.filter === filter &&
      current.sort === sort &&
      current.descending === descending
    )
      return current.rows;
    const words = filter
      .toLowerCase()
      .split(/\s+/)
      .filter((word) => word !== '');
    const rows: Row[] = [];
    for (const row of this.#rows.values()) if (matches(row, words)) rows.push(row);
    const direction = descending ? -1 : 1;
    rows.sort((a, b) => {
      const x = keyOf(a, sort);
      const y = keyOf(b, sort);
      if (x !== y) return x < y ? -direction : direction;
      return a.device.udn < b.device.udn ? -1 : a.device.udn > b.device.udn ? 1 : 0;
    });
    const index = new Map<string, number>();
    rows.forEach((row, position) => index.set(row.device.udn, position));
    this.#view = { filter, words, sort, descending, rows, index, stale: false };
    return rows;
  }
}
