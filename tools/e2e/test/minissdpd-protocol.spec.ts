import { describe, expect, it } from 'vitest';
import {
  decodeLength,
  encodeLength,
  encodeRequest,
  MinissdpdProtocolError,
  parseListResponse,
} from '../src/minissdpd-protocol.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);

function response(entries: { location: string; st: string; usn: string }[]): Uint8Array {
  const parts: number[] = [entries.length];
  for (const entry of entries) {
    for (const text of [entry.location, entry.st, entry.usn]) {
      const encoded = new TextEncoder().encode(text);
      parts.push(...encodeLength(encoded.length), ...encoded);
    }
  }
  return Uint8Array.from(parts);
}

describe('minissdpd lengths (7 bits per byte, high bit = more)', () => {
  it('encodes like miniupnp codelength.h', () => {
    expect(encodeLength(0)).toEqual(bytes(0));
    expect(encodeLength(127)).toEqual(bytes(127));
    expect(encodeLength(128)).toEqual(bytes(0x81, 0x00));
    expect(encodeLength(300)).toEqual(bytes(0x82, 0x2c));
    expect(encodeLength(16384)).toEqual(bytes(0x81, 0x80, 0x00));
    expect(() => encodeLength(-1)).toThrow(MinissdpdProtocolError);
  });

  it('decodes what it encodes, and says when bytes are missing', () => {
    for (const length of [0, 1, 127, 128, 255, 1500, 16383, 16384, 2 ** 21 + 5]) {
      const encoded = encodeLength(length);
      expect(decodeLength(encoded, 0)).toEqual({ length, next: encoded.length });
      if (encoded.length > 1) expect(decodeLength(encoded.subarray(0, encoded.length - 1), 0)).toBeUndefined();
    }
  });
});

describe('minissdpd requests and answers', () => {
  it('builds a request: type byte, length, string', () => {
    expect(encodeRequest(3)).toEqual(bytes(3, 0));
    expect(encodeRequest(1, 'upnp:rootdevice')).toEqual(
      Uint8Array.from([1, 15, ...new TextEncoder().encode('upnp:rootdevice')]),
    );
  });

  it('parses a list answer, and only once it is complete', () => {
    const entries = [
      {
        location: 'http://10.77.0.3:35525/devices/1/description.xml',
        st: 'upnp:rootdevice',
        usn: 'uuid:1::upnp:rootdevice',
      },
      { location: `http://10.77.0.3/${'x'.repeat(200)}`, st: 'uuid:1', usn: 'uuid:1' },
    ];
    const full = response(entries);
    expect(parseListResponse(full)).toEqual(entries);
    for (let cut = 0; cut < full.length; cut += 1)
      expect(parseListResponse(full.subarray(0, cut)), `cut at ${cut}`).toBeUndefined();
    expect(parseListResponse(bytes(0))).toEqual([]);
  });

  it('refuses a notification (255) where a list was asked for', () => {
    expect(() => parseListResponse(bytes(255, 1, 0))).toThrow(MinissdpdProtocolError);
  });
});
