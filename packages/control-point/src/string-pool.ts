// Strings the registry keeps for a long time must not pin the datagram they came from: V8 represents
// `text.slice(...)` as a view into the whole decoded datagram, so a 40-byte UDN would keep ~500 bytes alive per
// device. `detach` makes a flat copy; `createStringPool` also shares the values many devices repeat (SERVER,
// device and service types, interface ids) so 100,000 devices keep one copy of each.

/** A flat copy of `value` that does not reference the string it was sliced from. */
export function detach(value: string): string {
  return value.length === 0 ? '' : (JSON.parse(JSON.stringify(value)) as string);
}

export interface StringPool {
  /** The pooled copy of `value` (detached); past the pool's capacity, just a detached copy. */
  intern(value: string): string;
  readonly size: number;
}

/** A bounded pool: a hostile sender inventing a new SERVER per datagram cannot grow it without limit. */
export function createStringPool(capacity = 4096): StringPool {
  const pool = new Map<string, string>();
  return {
    intern(value) {
      const known = pool.get(value);
      if (known !== undefined) return known;
      const copy = detach(value);
      if (pool.size < capacity) pool.set(copy, copy);
      return copy;
    },
    get size() {
      return pool.size;
    },
  };
}
