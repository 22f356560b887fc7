// Where received datagrams wait for the work loop, built so that waiting costs the garbage collector little: the
// bytes are kept as the transport handed them (each datagram has its own buffer: Node sizes a UDP read's buffer to
// the datagram, the memory network copies per delivery), everything else goes into typed arrays and arrays of
// shared strings. A queue of Datagram objects kept ~5 young objects alive per datagram (view, buffer, datagram,
// endpoint, address string); here it is the view and its buffer, as in a bare socket that keeps what it reads.
// (Copying the bytes into reused chunks instead cost more than it saved: every burst touched fresh pages.)
import type { Datagram, RemoteEndpoint, Via } from '@ssdp/transport';

/** Distinct sender addresses remembered for sharing their string (a flood of spoofed ones just clears it). */
const INTERNED_ADDRESSES = 4096;

export interface DatagramRing {
  /** Queues the datagram; false when `maxDatagrams` or `maxBytes` would be exceeded. */
  push(datagram: Datagram, receivedAt: number): boolean;
  /** The oldest datagram, or undefined; its read time is `lastTakenAt`. */
  take(): Datagram | undefined;
  /** The read time of the datagram take() returned last. */
  readonly lastTakenAt: number;
  readonly size: number;
  /** Bytes held (the datagrams' own, not the chunks'). */
  readonly bytes: number;
  clear(): void;
  /**
   * Runs push and take on a dummy datagram `rounds` times and leaves the ring empty, so the first burst meets
   * optimised code: a burst arriving right after the search otherwise runs push in the interpreter (measured: a
   * tenth of a 5,000-answer burst's time went into push).
   */
  warm(rounds?: number): void;
}

export function createDatagramRing(maxDatagrams: number, maxBytes: number): DatagramRing {
  let capacity = Math.min(4096, maxDatagrams);
  let ports = new Uint16Array(capacity);
  let ipv6 = new Uint8Array(capacity);
  let times = new Float64Array(capacity);
  let views: Uint8Array[] = new Array<Uint8Array>(capacity);
  let addresses: string[] = new Array<string>(capacity);
  let interfaces: string[] = new Array<string>(capacity);
  let vias: Via[] = new Array<Via>(capacity);
  let head = 0;
  let size = 0;
  let held = 0;
  let lastTakenAt = 0;
  const interned = new Map<string, string>();

  function intern(address: string): string {
    const known = interned.get(address);
    if (known !== undefined) return known;
    if (interned.size >= INTERNED_ADDRESSES) interned.clear();
    interned.set(address, address);
    return address;
  }

  /**
   * Grows the index once, from 4,096 to its full size (~2.7 MB at 65,536), oldest first at 0: copying grown arrays
   * again and again took 2-6% of a 60,000-answer burst.
   */
  function grow(): void {
    const next = maxDatagrams;
    const tail = Math.min(size, capacity - head); // [head, head + tail) then [0, size - tail)
    const typed = <T extends Uint16Array | Uint8Array | Float64Array>(from: T, to: T): T => {
      to.set(from.subarray(head, head + tail), 0);
      to.set(from.subarray(0, size - tail), tail);
      return to;
    };
    const plain = <T>(from: T[]): T[] => {
      const to = new Array<T>(next);
      for (let i = 0; i < tail; i += 1) to[i] = from[head + i]!;
      for (let i = tail; i < size; i += 1) to[i] = from[i - tail]!;
      return to;
    };
    ports = typed(ports, new Uint16Array(next));
    ipv6 = typed(ipv6, new Uint8Array(next));
    times = typed(times, new Float64Array(next));
    views = plain(views);
    addresses = plain(addresses);
    interfaces = plain(interfaces);
    vias = plain(vias);
    head = 0;
    capacity = next;
  }

  return {
    push(datagram, receivedAt) {
      const length = datagram.bytes.length;
      if (size >= maxDatagrams || held + length > maxBytes) return false;
      if (size === capacity) grow();
      const at = (head + size) % capacity;
      views[at] = datagram.bytes;
      ports[at] = datagram.remote.port;
      ipv6[at] = datagram.remote.family === 'IPv6' ? 1 : 0;
      times[at] = receivedAt;
      addresses[at] = intern(datagram.remote.address);
      interfaces[at] = datagram.interfaceId;
      vias[at] = datagram.via;
      size += 1;
      held += length;
      return true;
    },
    take() {
      if (size === 0) return undefined;
      const at = head;
      const bytes = views[at]!;
      const remote: RemoteEndpoint = {
        address: addresses[at]!,
        port: ports[at]!,
        family: ipv6[at] === 1 ? 'IPv6' : 'IPv4',
      };
      const datagram: Datagram = { bytes, remote, interfaceId: interfaces[at]!, via: vias[at]! };
      lastTakenAt = times[at]!;
      views[at] = undefined as unknown as Uint8Array;
      head = (head + 1) % capacity;
      size -= 1;
      held -= bytes.length;
      return datagram;
    },
    get lastTakenAt() {
      return lastTakenAt;
    },
    get size() {
      return size;
    },
    get bytes() {
      return held;
    },
    warm(rounds = 5000) {
      const dummy: Datagram = {
        bytes: new Uint8Array(400),
        remote: { address: '192.0.2.1', port: 1900, family: 'IPv4' },
        interfaceId: '-',
        via: 'unicast',
      };
      for (let i = 0; i < rounds; i += 1) {
        this.push(dummy, 0);
        if (i % 64 === 63) while (this.take() !== undefined);
      }
      while (this.take() !== undefined);
      interned.clear();
    },
    clear() {
      head = 0;
      size = 0;
      held = 0;
      views = new Array<Uint8Array>(capacity);
      interned.clear();
    },
  };
}
