// The last datagrams of each device, for its details panel: a small ring per UUID (taken from the USN header),
// with a bound on UUIDs (least recently heard evicted) and on the text kept per datagram, so a flood of random
// UUIDs or 64 KiB datagrams costs at most MAX_UUIDS x PER_DEVICE x RAW_TEXT_LIMIT characters.
import type { RawMessage } from './wire.ts';

export const PER_DEVICE = 5;
export const MAX_UUIDS = 2000;
export const RAW_TEXT_LIMIT = 2048;

/** The UUID of a datagram's USN header (lower case), if it has one. */
export function usnUuidOf(text: string): string | undefined {
  const match = /(?:^|\n)USN:[ \t]*uuid:([^:\s]{1,128})/i.exec(text.length > 4096 ? text.slice(0, 4096) : text);
  return match?.[1]?.toLowerCase();
}

export class RawMessageStore {
  readonly #rings = new Map<string, RawMessage[]>();
  readonly #perDevice: number;
  readonly #maxUuids: number;

  constructor(perDevice = PER_DEVICE, maxUuids = MAX_UUIDS) {
    this.#perDevice = perDevice;
    this.#maxUuids = maxUuids;
  }

  add(uuid: string, message: Omit<RawMessage, 'text'> & { readonly text: string }): void {
    let ring = this.#rings.get(uuid);
    if (ring === undefined) {
      if (this.#rings.size >= this.#maxUuids) {
        const oldest = this.#rings.keys().next().value;
        if (oldest !== undefined) this.#rings.delete(oldest);
      }
      ring = [];
    } else {
      this.#rings.delete(uuid); // re-inserted below: Map order is recency
    }
    this.#rings.set(uuid, ring);
    const text =
      message.text.length > RAW_TEXT_LIMIT
        ? `${message.text.slice(0, RAW_TEXT_LIMIT)}\n[… ${message.text.length - RAW_TEXT_LIMIT} more characters]`
        : message.text;
    ring.push({ ...message, text });
    if (ring.length > this.#perDevice) ring.shift();
  }

  /** The latest datagrams of these UUIDs (a root and its embedded devices), oldest first. */
  latest(uuids: Iterable<string>, limit = PER_DEVICE * 2): RawMessage[] {
    const all: RawMessage[] = [];
    for (const uuid of new Set(uuids)) all.push(...(this.#rings.get(uuid.toLowerCase()) ?? []));
    all.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    return all.slice(-limit);
  }

  get size(): number {
    return this.#rings.size;
  }
}

/** The UUIDs a device's USNs name: its own and its embedded devices'. */
export function uuidsOfUsns(udn: string, usns: readonly string[]): string[] {
  const out = new Set<string>();
  for (const usn of [udn, ...usns]) {
    const match = /^uuid:([^:\s]{1,128})/i.exec(usn);
    if (match !== null) out.add(match[1]!.toLowerCase());
  }
  return [...out];
}
