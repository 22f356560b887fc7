import { trimOws, type SsdpHeader } from './headers.ts';

/**
 * @internal The header lines of a parsed datagram, located but not yet cut into strings: four offsets per
 * header into the decoded text (name start, name end, value start, value end; the value still untrimmed).
 * Slicing and allocating header objects is most of the cost of parsing, and most receivers drop most
 * datagrams after a glance at NTS or ST, so the list is materialized only when someone reads it.
 */
export class HeaderRanges {
  readonly text: string;
  readonly ranges: number[];

  constructor(text: string, ranges: number[]) {
    this.text = text;
    this.ranges = ranges;
  }

  /** Offset of the line of header `index`. */
  lineStart(index: number): number {
    return this.ranges[index << 2]!;
  }

  /** Value of header `index` (see {@link cutValue}). */
  value(index: number): string {
    return cutValue(this.text, this.ranges[(index << 2) + 2]!, this.ranges[(index << 2) + 3]!);
  }

  /**
   * Index of the first header named `name` (ASCII case-insensitive), or -1. A typed read looks up just its own
   * header: most names fail on the length check, so this beats indexing them all.
   */
  find(name: string): number {
    const { text, ranges } = this;
    const length = name.length;
    for (let i = 0; i < ranges.length; i += 4) {
      const start = ranges[i]!;
      if (ranges[i + 1]! - start !== length) continue;
      if (text.startsWith(name, start)) return i >> 2;
      let k = 0;
      for (; k < length; k++) {
        let a = text.charCodeAt(start + k);
        let b = name.charCodeAt(k);
        if (a >= 97 && a <= 122) a -= 32;
        if (b >= 97 && b <= 122) b -= 32;
        if (a !== b) break;
      }
      if (k === length) return i >> 2;
    }
    return -1;
  }

  /** The headers as objects, in wire order. */
  materialize(): SsdpHeader[] {
    const headers: SsdpHeader[] = [];
    for (let i = 0; i < this.ranges.length; i += 4) {
      headers.push({ name: this.text.slice(this.ranges[i], this.ranges[i + 1]), value: this.value(i >> 2) });
    }
    return headers;
  }
}

/** @internal `text[start, end)` as a header value: bare CRs read as SP (RFC 9112 §2.2), trimmed of SP/HTAB. */
export function cutValue(text: string, start: number, end: number): string {
  while (start < end && (text.charCodeAt(start) === 0x20 || text.charCodeAt(start) === 0x09)) start++;
  while (end > start && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) end--;
  const value = text.slice(start, end);
  // Rare: a CR is replaced, which may expose blanks at the edges again.
  return value.includes('\r') ? trimOws(value.replaceAll('\r', ' ')) : value;
}
