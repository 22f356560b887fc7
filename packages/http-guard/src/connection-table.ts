// Who holds which connections, and whether a newcomer gets in. Pure bookkeeping: no sockets, no clock.
//
// Admission, in order:
// 1. the newcomer's source already holds maxConnectionsPerSource → refuse it (http-source-cap);
// 2. below maxConnections in all → admit;
// 3. at maxConnections: if some source holds more than the newcomer's source, admit the newcomer and evict the
//    NEWEST connection of the biggest holder (its oldest ones are the likeliest to be real clients mid-request);
//    otherwise the newcomer's source is the biggest holder (or tied) → refuse the newcomer (http-global-cap).
// So one host holding every slot can never lock another host out; it only rotates its own connections.

export interface SourceKeyed {
  readonly source: string;
}

export interface AdmissionLimits {
  readonly maxConnectionsPerSource: number;
  readonly maxConnections: number;
}

export type Admission<T> =
  | { readonly kind: 'admit' }
  | { readonly kind: 'evict'; readonly victim: T }
  | { readonly kind: 'refuse'; readonly reason: 'http-source-cap' | 'http-global-cap' };

export class ConnectionTable<T extends SourceKeyed> {
  private readonly all = new Set<T>();
  /** Per source, in the order the connections were admitted: the newest is last. */
  private readonly bySource = new Map<string, T[]>();

  get size(): number {
    return this.all.size;
  }

  get sourceCount(): number {
    return this.bySource.size;
  }

  has(entry: T): boolean {
    return this.all.has(entry);
  }

  countOf(source: string): number {
    return this.bySource.get(source)?.length ?? 0;
  }

  entries(): IterableIterator<T> {
    return this.all.values();
  }

  /** Decides about a new connection from `source`. Does not change the table. */
  admit(source: string, limits: AdmissionLimits): Admission<T> {
    const held = this.countOf(source);
    if (held >= limits.maxConnectionsPerSource) return { kind: 'refuse', reason: 'http-source-cap' };
    if (this.all.size < limits.maxConnections) return { kind: 'admit' };
    let biggest: T[] | undefined;
    for (const list of this.bySource.values()) {
      if (biggest === undefined || list.length > biggest.length) biggest = list;
    }
    const victim = biggest?.[biggest.length - 1];
    if (biggest === undefined || victim === undefined || biggest.length <= held) {
      return { kind: 'refuse', reason: 'http-global-cap' };
    }
    return { kind: 'evict', victim };
  }

  add(entry: T): void {
    if (this.all.has(entry)) return;
    this.all.add(entry);
    const list = this.bySource.get(entry.source);
    if (list === undefined) this.bySource.set(entry.source, [entry]);
    else list.push(entry);
  }

  /** Removes `entry`; false when it was not there. */
  remove(entry: T): boolean {
    if (!this.all.delete(entry)) return false;
    const list = this.bySource.get(entry.source);
    if (list !== undefined) {
      const index = list.lastIndexOf(entry);
      if (index >= 0) list.splice(index, 1);
      if (list.length === 0) this.bySource.delete(entry.source);
    }
    return true;
  }
}
