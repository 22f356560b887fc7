// Where received datagrams wait for the work loop, built so that waiting costs the garbage collector nothing:
// the bytes are copied into large chunks (256 KiB, reused) and the rest goes into typed arrays and arrays of
// shared strings. A queue of Datagram objects kept ~5 young objects alive per datagram (view, buffer, datagram,
// endpoint, address string): under a 20,000-answer burst the scavenges that copied them took a fifth of the time
// the socket had to be read. The objects the transport made for each datagram now die at once.
//
// A datagram taken out is a view into its chunk: valid until the next take() or push() (callers copy what they
// keep; the work loop handles each one synchronously).
import type { Datagram, RemoteEndpoint, Via } from '@ssdp/transport';

const CHUNK_BYTES = 256 * 1024;
/** Spare chunks kept for reuse after a burst; the rest go to the garbage collector. */
const SPARE_CHUNKS = 2;
/** Distinct sender addresses remembered for sharing their string (a flood of spoofed ones just clears it). */
const INTERNED_ADDRESSES = 4096;

export interface DatagramRing {
  /** Copies the datagram in; false when `maxDatagrams` or `maxBytes` would be exceeded. */
  push(datagram: Datagram, receivedAt: number): boolean;
  /** The oldest datagram (a view valid until the next take or push), or undefined; its read time: `lastTakenAt`. */
  take(): Datagram | undefined;
  /** The read time of the datagram take() returned last. */
  readonly lastTakenAt: number;
  readonly size: number;
  /** Bytes held (the datagrams' own, not the chunks'). */
  readonly bytes: number;
  clear(): void;
}

export function createDatagramRing(maxDatagrams: number, maxBytes: number): DatagramRing {
  let capacity = Math.min(4096, maxDatagrams);
  let starts = new Uint32Array(capacity);
  let lengths = new Uint32Array(capacity);
  let ports = new Uint16Array(capacity);
  let ipv6 = new Uint8Array(capacity);
  let times = new Float64Array(capacity);
  let chunkOf: Uint8Array[] = new Array<Uint8Array>(capacity);
  let addresses: string[] = new Array<string>(capacity);
  let interfaces: string[] = new Array<string>(capacity);
  let vias: Via[] = new Array<Via>(capacity);
  let head = 0;
  let size = 0;
  let held = 0;
  let lastTakenAt = 0;
  let writeChunk: Uint8Array | undefined;
  let writeOffset = 0;
  /** The chunk the last taken datagram came from: recycled once reading has moved on from it. */
  let readChunk: Uint8Array | undefined;
  const spares: Uint8Array[] = [];
  const interned = new Map<string, string>();

  function intern(address: string): string {
    const known = interned.get(address);
    if (known !== undefined) return known;
    if (interned.size >= INTERNED_ADDRESSES) interned.clear();
    interned.set(address, address);
    return address;
  }

  /** Doubles the index, oldest first at 0 (block copies: an element loop here stalled a burst for ms at 8,192). */
  function grow(): void {
    const next = Math.min(capacity * 2, maxDatagrams);
    const tail = Math.min(size, capacity - head); // [head, head + tail) then [0, size - tail)
    const typed = <T extends Uint32Array | Uint16Array | Uint8Array | Float64Array>(from: T, to: T): T => {
      to.set(from.subarray(head, head + tail), 0);
      to.set(from.subarray(0, size - tail), tail);
      return to;
    };
    const plain = <T>(from: T[]): T[] => {
      const to = from.slice(head, head + tail).concat(from.slice(0, size - tail));
      to.length = next;
      return to;
    };
    starts = typed(starts, new Uint32Array(next));
    lengths = typed(lengths, new Uint32Array(next));
    ports = typed(ports, new Uint16Array(next));
    ipv6 = typed(ipv6, new Uint8Array(next));
    times = typed(times, new Float64Array(next));
    chunkOf = plain(chunkOf);
    addresses = plain(addresses);
    interfaces = plain(interfaces);
    vias = plain(vias);
    head = 0;
    capacity = next;
  }

  function recycle(chunk: Uint8Array): void {
    if (chunk !== writeChunk && spares.length < SPARE_CHUNKS) spares.push(chunk);
  }

  return {
    push(datagram, receivedAt) {
      const length = datagram.bytes.length;
      if (size >= maxDatagrams || held + length > maxBytes || length > CHUNK_BYTES) return false;
      if (size === capacity) grow();
      if (writeChunk === undefined || writeOffset + length > CHUNK_BYTES) {
        writeChunk = spares.pop() ?? new Uint8Array(CHUNK_BYTES);
        writeOffset = 0;
      }
      writeChunk.set(datagram.bytes, writeOffset);
      const at = (head + size) % capacity;
      starts[at] = writeOffset;
      lengths[at] = length;
      chunkOf[at] = writeChunk;
      ports[at] = datagram.remote.port;
      ipv6[at] = datagram.remote.family === 'IPv6' ? 1 : 0;
      times[at] = receivedAt;
      addresses[at] = intern(datagram.remote.address);
      interfaces[at] = datagram.interfaceId;
      vias[at] = datagram.via;
      writeOffset += length;
      size += 1;
      held += length;
      return true;
    },
    take() {
      if (size === 0) return undefined;
      const at = head;
      const chunk = chunkOf[at]!;
      if (readChunk !== undefined && readChunk !== chunk) recycle(readChunk);
      readChunk = chunk;
      const start = starts[at]!;
      const length = lengths[at]!;
      const remote: RemoteEndpoint = { address: addresses[at]!, port: ports[at]!, family: ipv6[at] === 1 ? 'IPv6' : 'IPv4' };
      const datagram: Datagram = { bytes: chunk.subarray(start, start + length), remote, interfaceId: interfaces[at]!, via: vias[at]! };
      lastTakenAt = times[at]!;
      chunkOf[at] = undefined as unknown as Uint8Array;
      head = (head + 1) % capacity;
      size -= 1;
      held -= length;
      if (size === 0 && writeChunk === chunk) writeOffset = 0; // empty: the current chunk starts over
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
    clear() {
      head = 0;
      size = 0;
      held = 0;
      chunkOf = new Array<Uint8Array>(capacity);
      writeChunk = undefined;
      readChunk = undefined;
      writeOffset = 0;
      spares.length = 0;
      interned.clear();
    },
  };
}
