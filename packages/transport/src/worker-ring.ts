// The shared ring between the reader thread (single writer, reader-worker-source.ts) and the main thread (single
// reader, here). Bytes `ring`; Int32 `control`: [W] write offset, [R] read offset, [SEQ] datagrams written, [FULL]
// datagrams dropped because the ring was full. Empty when W = R; the writer never lets W catch up with R.
// A record: u32 size (of the whole record), u32 payload length, u16 source port, u16 socket slot, u8 address length,
// u8 family (4 or 6), 2 spare bytes, the address in ASCII, the payload. A record that does not fit before the end goes
// to offset 0, behind a u32 WRAP marker (or behind fewer than 16 bytes, which mean the same).

export const RING_W = 0;
export const RING_R = 1;
export const RING_SEQ = 2;
export const RING_FULL = 3;
const HEADER = 16;
const WRAP = 0xffffffff;

export interface RingRecord {
  readonly bytes: Uint8Array;
  readonly address: string;
  readonly port: number;
  readonly family: 'IPv4' | 'IPv6';
  readonly slot: number;
}

export interface RingReader {
  /** Datagrams written so far (changes with every datagram; wraps). */
  seq(): number;
  /** Bytes waiting. */
  pending(): number;
  /** Datagrams the writer dropped because the ring was full. */
  full(): number;
  readonly capacity: number;
  /** Hands every waiting datagram to `visit` (a copy of its bytes; it must not throw) and frees its space. */
  drain(visit: (record: RingRecord) => void): number;
}

export function createRingBuffers(capacity: number): { ring: SharedArrayBuffer; control: SharedArrayBuffer } {
  return { ring: new SharedArrayBuffer(capacity), control: new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT) };
}

export function createRingReader(ringBuffer: SharedArrayBuffer, controlBuffer: SharedArrayBuffer): RingReader {
  const ring = new Uint8Array(ringBuffer);
  const view = new DataView(ringBuffer);
  const control = new Int32Array(controlBuffer);
  const capacity = ring.length;

  function addressAt(at: number, length: number): string {
    let text = '';
    for (let i = 0; i < length; i += 1) text += String.fromCharCode(ring[at + i]!);
    return text;
  }

  return {
    capacity,
    seq: () => Atomics.load(control, RING_SEQ),
    full: () => Atomics.load(control, RING_FULL),
    pending() {
      const w = Atomics.load(control, RING_W);
      const r = control[RING_R]!;
      return w >= r ? w - r : capacity - r + w;
    },
    drain(visit) {
      const w = Atomics.load(control, RING_W);
      let r = control[RING_R]!;
      let count = 0;
      while (r !== w) {
        if (capacity - r < HEADER || view.getUint32(r) === WRAP) {
          r = 0;
          continue;
        }
        const size = view.getUint32(r);
        const payload = view.getUint32(r + 4);
        const addressLength = ring[r + 12]!;
        const start = r + HEADER + addressLength;
        visit({
          bytes: ring.slice(start, start + payload),
          address: addressAt(r + HEADER, addressLength),
          port: view.getUint16(r + 8),
          family: ring[r + 13] === 6 ? 'IPv6' : 'IPv4',
          slot: view.getUint16(r + 10),
        });
        r += size;
        count += 1;
        Atomics.store(control, RING_R, r); // frees the record's space now: the writer may be waiting for room
      }
      Atomics.store(control, RING_R, r);
      return count;
    },
  };
}
