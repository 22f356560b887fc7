// serializeMessage hands out small datagrams as views into shared slabs (see SlabUtf8Encoder) and canonicalizes
// header names with the name DFA. These tests pin the bytes to TextEncoder's and each result to its own message.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  KNOWN_HEADER_NAMES,
  createMSearch,
  createNotifyAlive,
  parseMessage,
  serializeMessage,
  serializeMessageText,
  type SsdpMessage,
} from '../src/index.ts';
import { SlabUtf8Encoder } from '../src/text-codec.ts';
import { arbExtensionHeader, arbHeaderValue } from './arbitraries.ts';

const encoder = new TextEncoder();
const UDN = 'uuid:2fac1234-31f8-11b4-a222-08002b34c003';
const SERVER = { os: { name: 'Linux', version: '6.1' }, product: { name: 'dev', version: '1' } };

describe('SlabUtf8Encoder', () => {
  it('gives the bytes TextEncoder gives, for any string (ASCII, non-ASCII, lone surrogates, long ones)', () => {
    const slab = new SlabUtf8Encoder();
    fc.assert(
      fc.property(
        // Any UTF-16 code units (lone surrogates included), mostly ASCII.
        fc
          .array(fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0xffff })), { maxLength: 300 })
          .map((units) => String.fromCharCode(...units)),
        fc.nat(1100),
        (text, pad) => {
          // Padding pushes some texts over the 1024-character slab limit.
          for (const whole of [text, `${'p'.repeat(pad)}${text}`]) {
            if (!Buffer.from(slab.encode(whole)).equals(Buffer.from(encoder.encode(whole))))
              throw new Error(`differs: ${JSON.stringify(whole)}`);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('never lets a later result overwrite an earlier one', () => {
    const slab = new SlabUtf8Encoder();
    const texts = Array.from(
      { length: 500 },
      (_, i) => `${'é'.repeat(i % 7)}message ${i} ${'x'.repeat((i * 37) % 900)}`,
    );
    const results = texts.map((text) => slab.encode(text));
    results.forEach((bytes, i) => expect(Buffer.from(bytes).toString('utf8')).toBe(texts[i]));
    // Results share slabs but never overlap.
    const sameSlab = results.filter((bytes) => bytes.buffer === results[0]!.buffer);
    expect(sameSlab.length).toBeGreaterThan(1);
    for (let i = 1; i < sameSlab.length; i++) {
      expect(sameSlab[i]!.byteOffset).toBeGreaterThanOrEqual(sameSlab[i - 1]!.byteOffset + sameSlab[i - 1]!.length);
    }
  });

  it('gives a text over 1024 characters a buffer of its own', () => {
    const bytes = new SlabUtf8Encoder().encode('a'.repeat(1025));
    expect([bytes.byteOffset, bytes.buffer.byteLength]).toEqual([0, 1025]);
  });

  it('starts a new slab when a result buffer was transferred away (detaching the slab)', () => {
    const slab = new SlabUtf8Encoder();
    const first = slab.encode('first');
    const buffer = first.buffer as ArrayBuffer;
    structuredClone(buffer, { transfer: [buffer] });
    expect(first.buffer.byteLength).toBe(0);
    expect(Buffer.from(slab.encode('second')).toString()).toBe('second');
  });
});

describe('serializeMessage bytes', () => {
  it('equal the UTF-8 of serializeMessageText for constructed messages with any values', () => {
    fc.assert(
      fc.property(
        arbHeaderValue,
        fc.array(arbExtensionHeader, { maxLength: 3 }),
        fc.constantFrom('upnp' as const, 'legacy' as const),
        (cpfn, extraHeaders, profile) => {
          const message = createMSearch({ st: 'ssdp:all', mx: 2, cpfn, userAgent: SERVER, extraHeaders, profile });
          const bytes = serializeMessage(message);
          expect(Buffer.from(bytes).equals(Buffer.from(encoder.encode(serializeMessageText(message))))).toBe(true);
          expect(parseMessage(bytes).ok).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('keeps every earlier datagram intact while later ones are serialized', () => {
    const messages: SsdpMessage[] = Array.from({ length: 200 }, (_, i) =>
      createNotifyAlive({
        nt: 'upnp:rootdevice',
        usn: `${UDN}::upnp:rootdevice`,
        location: `http://10.0.0.${i}/d.xml`,
        maxAge: 1800,
        server: SERVER,
      }),
    );
    const datagrams = messages.map((message) => serializeMessage(message));
    datagrams.forEach((bytes, i) => {
      const parsed = parseMessage(bytes);
      if (!parsed.ok || parsed.message.kind !== 'notify-alive') throw new Error('does not parse');
      expect(parsed.message.location).toBe(`http://10.0.0.${i}/d.xml`);
    });
  });

  it('writes the canonical spelling of every known name in any case, and other names as they are', () => {
    for (const canonical of KNOWN_HEADER_NAMES) {
      for (const spelled of [canonical, canonical.toLowerCase(), canonical[0] + canonical.slice(1).toLowerCase()]) {
        const plain = {
          kind: 'm-search',
          profile: 'upnp',
          headers: [{ name: spelled, value: 'v' }],
        } as unknown as SsdpMessage;
        expect(serializeMessageText(plain)).toBe(`M-SEARCH * HTTP/1.1\r\n${canonical}: v\r\n\r\n`);
      }
    }
    const odd = {
      kind: 'm-search',
      profile: 'upnp',
      headers: [
        { name: 'Hosts', value: 'v' },
        { name: 'x-NT', value: '' },
      ],
    } as unknown as SsdpMessage;
    expect(serializeMessageText(odd)).toBe('M-SEARCH * HTTP/1.1\r\nHosts: v\r\nx-NT:\r\n\r\n');
  });
});
