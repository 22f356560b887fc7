import { describe, expect, it } from 'vitest';
import type { DeviceRecord } from '../src/registry.ts';
import { createRepeatFilter } from '../src/repeat-filter.ts';

/** The fields the filter compares; the rest of a record does not matter to it. */
function record(): DeviceRecord {
  return {
    removed: false,
    currentLocation: 0,
    bootId: 1,
    configId: 1,
    nextBootId: -1,
    server: 'Linux/6 UPnP/1.1 test/1',
    address: '10.0.0.2',
    interfaceId: 'eth0/IPv4',
  } as unknown as DeviceRecord;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const from = ['10.0.0.2', 1900, 'eth0/IPv4'] as const;

describe('the repeat filter', () => {
  it('hits the same bytes from the same sender while the record is unchanged, and nothing else', () => {
    const filter = createRepeatFilter({ maxEntries: 8 });
    const r = record();
    filter.remember(text('HTTP/1.1 200 OK\r\nA: 1\r\n\r\n'), ...from, r, 1800_000);
    expect(filter.find(text('HTTP/1.1 200 OK\r\nA: 1\r\n\r\n'), ...from)?.lifetimeMs).toBe(1800_000);
    expect(filter.find(text('HTTP/1.1 200 OK\r\nA: 2\r\n\r\n'), ...from)).toBeUndefined();
    expect(filter.find(text('HTTP/1.1 200 OK\r\nA: 1\r\n\r\n'), '10.0.0.3', 1900, 'eth0/IPv4')).toBeUndefined();
    expect(filter.find(text('HTTP/1.1 200 OK\r\nA: 1\r\n\r\n'), '10.0.0.2', 1901, 'eth0/IPv4')).toBeUndefined();
    (r as { bootId: number }).bootId = 2;
    expect(filter.find(text('HTTP/1.1 200 OK\r\nA: 1\r\n\r\n'), ...from)).toBeUndefined();
  });

  it('keeps its own copy of the bytes', () => {
    const filter = createRepeatFilter({ maxEntries: 8 });
    const bytes = text('NOTIFY * HTTP/1.1\r\n\r\n');
    filter.remember(bytes, ...from, record(), 1000);
    bytes[0] = 0x58;
    expect(filter.find(text('NOTIFY * HTTP/1.1\r\n\r\n'), ...from)).toBeDefined();
  });

  it('sweeps out the entries of removed records, and their bytes', () => {
    const filter = createRepeatFilter({ maxEntries: 8 });
    const gone = record();
    const kept = record();
    filter.remember(text('one'), ...from, gone, 1000);
    filter.remember(text('three'), ...from, kept, 1000);
    expect(filter.bytes).toBe(8);
    (gone as { removed: boolean }).removed = true;
    filter.sweep();
    expect(filter.size).toBe(1);
    expect(filter.bytes).toBe(5);
    expect(filter.find(text('three'), ...from)).toBeDefined();
  });

  it('is bounded by entries and by bytes, oldest first, and never remembers a large datagram', () => {
    const filter = createRepeatFilter({ maxEntries: 3, maxBytes: 10, maxDatagramBytes: 6 });
    const r = record();
    filter.remember(text('aaaa'), ...from, r, 1000);
    filter.remember(text('bbbb'), ...from, r, 1000);
    filter.remember(text('cccc'), ...from, r, 1000); // 12 bytes > 10: 'aaaa' goes
    expect(filter.size).toBe(2);
    expect(filter.bytes).toBe(8);
    expect(filter.find(text('aaaa'), ...from)).toBeUndefined();
    filter.remember(text('d'), ...from, r, 1000);
    filter.remember(text('e'), ...from, r, 1000); // 4 entries > 3: 'bbbb' goes
    expect(filter.find(text('bbbb'), ...from)).toBeUndefined();
    expect(filter.find(text('cccc'), ...from)).toBeDefined();
    filter.remember(text('ffffffg'), ...from, r, 1000); // 7 bytes > 6: not remembered
    expect(filter.find(text('ffffffg'), ...from)).toBeUndefined();
    expect(filter.size).toBe(3);
  });
});
