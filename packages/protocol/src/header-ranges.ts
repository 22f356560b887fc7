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

  get count(): number {
    return this.ranges.length >> 2;
  }

  /** Offset of the line of header `index`. */
  lineStart(index: number): number {
    return this.ranges[index << 2]!;
  }

  /** Value of header `index`: bare CRs replaced with SP (RFC 9112 §2.2), then trimmed of SP/HTAB. */
  value(index: number): string {
    const { text, ranges } = this;
    const value = text.slice(ranges[(index << 2) + 2], ranges[(index << 2) + 3]);
    return trimOws(value.includes('\r') ? value.replaceAll('\r', ' ') : value);
  }

  /** Index of the first header named `upperName` (ASCII case-insensitive), or -1. */
  find(upperName: string): number {
    const { text, ranges } = this;
    for (let i = 0; i < ranges.length; i += 4) {
      const start = ranges[i]!;
      if (ranges[i + 1]! - start !== upperName.length) continue;
      let same = true;
      for (let k = 0; k < upperName.length && same; k++) {
        let c = text.charCodeAt(start + k);
        if (c >= 97 && c <= 122) c -= 32;
        same = c === upperName.charCodeAt(k);
      }
      if (same) return i >> 2;
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
