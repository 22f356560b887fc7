// Property (2): serialize -> parse -> serialize is byte-stable for generated messages of every kind, in both
// profiles; the receiver's typed view equals the sender's.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalHeaderName,
  createMSearch,
  createNotifyAlive,
  createNotifyByeBye,
  createNotifyUpdate,
  createSearchResponse,
  parseMessage,
  serializeMessage,
  type SsdpHeader,
  type SsdpMessage,
  type SsdpMessageKind,
  type SsdpProfile,
} from '../src/index.ts';
import { arbExtensionHeader, arbHeaderValue, arbSearchTarget, arbUsn, arbUuid } from './arbitraries.ts';
import { snapshot } from './fixtures.ts';

const arbProfile = fc.constantFrom<SsdpProfile>('upnp', 'legacy');
const arbExtras = fc.array(arbExtensionHeader, { maxLength: 3 });
const arbProducts = fc.oneof(
  fc.record({
    os: fc.record({
      name: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,8}$/),
      version: fc.stringMatching(/^[0-9][0-9.a-z-]{0,6}$/),
    }),
    product: fc.record({
      name: fc.stringMatching(/^[A-Za-z@][A-Za-z0-9_./-]{0,10}$/),
      version: fc.stringMatching(/^[0-9][0-9.]{0,5}$/),
    }),
  }),
  arbHeaderValue.filter((s) => s.length > 0),
);
const arbLocation = fc.oneof(fc.webUrl(), fc.constantFrom('http://[::1]:8080/d.xml', '10.0.0.1', 'null'));
const arbUnicastHost = fc.oneof(
  fc.ipV4().map((ip) => `${ip}:1900`),
  fc.constant('[fe80::1]:1900'),
);
const arbMulticastHost = fc.constantFrom('239.255.255.250:1900', '[FF02::C]:1900', '[ff05::c]:1900', undefined);
const arbDate = fc.date({
  min: new Date('1970-01-01T00:00:00Z'),
  max: new Date('2100-01-01T00:00:00Z'),
  noInvalidDate: true,
});
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const arbBootId = fc.integer({ min: 0, max: 2_000_000_000 });
const arbConfigId = fc.integer({ min: 0, max: 16_777_215 });
const arbPort = fc.integer({ min: 49152, max: 65535 });
const arbNt = fc.oneof(
  arbSearchTarget.filter((t) => t.type !== 'all'),
  fc.constant('notify'),
);

const arbMSearch = fc
  .record({
    profile: arbProfile,
    unicast: fc.boolean(),
    unicastHost: arbUnicastHost,
    multicastHost: arbMulticastHost,
    st: fc.oneof(arbSearchTarget, fc.constant('null')),
    mx: fc.integer({ min: 1, max: 120 }),
    userAgent: arbProducts,
    cpfn: optional(arbHeaderValue),
    cpuuid: optional(arbUuid),
    tcpPort: optional(arbPort),
    extraHeaders: arbExtras,
  })
  .map(({ unicast, unicastHost, multicastHost, ...init }) =>
    createMSearch({ ...init, ...(unicast ? { host: unicastHost } : multicastHost ? { host: multicastHost } : {}) }),
  );

const arbSearchResponse = fc
  .record({
    profile: arbProfile,
    st: arbSearchTarget,
    usn: arbUsn,
    location: arbLocation,
    maxAge: fc.integer({ min: 0, max: 2 ** 31 }),
    date: arbDate,
    server: arbProducts,
    bootId: optional(arbBootId),
    configId: optional(arbConfigId),
    searchPort: optional(arbPort),
    secureLocation: optional(fc.webUrl()),
    extraHeaders: arbExtras,
  })
  .map(createSearchResponse);

const arbAlive = fc
  .record({
    profile: arbProfile,
    host: optional(fc.oneof(arbMulticastHost, arbUnicastHost).filter((h) => h !== undefined)),
    nt: arbNt,
    usn: fc.oneof(arbUsn, fc.constant('1')),
    location: arbLocation,
    maxAge: fc.integer({ min: 0, max: 100_000 }),
    server: arbProducts,
    bootId: optional(arbBootId),
    configId: optional(arbConfigId),
    searchPort: optional(arbPort),
    extraHeaders: arbExtras,
  })
  .map(createNotifyAlive);

const arbByeBye = fc
  .record({
    profile: arbProfile,
    nt: arbNt,
    usn: arbUsn,
    bootId: optional(arbBootId),
    configId: optional(arbConfigId),
    extraHeaders: arbExtras,
  })
  .map(createNotifyByeBye);

const arbUpdate = fc
  .record({
    profile: arbProfile,
    nt: arbNt,
    usn: arbUsn,
    location: arbLocation,
    bootId: fc.integer({ min: 0, max: 1_000_000 }),
    step: fc.integer({ min: 1, max: 1000 }),
    configId: arbConfigId,
    searchPort: optional(arbPort),
    extraHeaders: arbExtras,
  })
  .map(({ step, ...init }) => createNotifyUpdate({ ...init, nextBootId: init.bootId + step }));

const arbMessage: fc.Arbitrary<SsdpMessage> = fc.oneof(arbMSearch, arbSearchResponse, arbAlive, arbByeBye, arbUpdate);

function parsed(bytes: Uint8Array): SsdpMessage {
  const result = parseMessage(bytes);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.message;
}

/** The typed view without what depends on framing: header order, profile and the profile-specific MX rule. */
function typedView(message: SsdpMessage): unknown {
  const {
    headers: _headers,
    profile: _profile,
    mxRule: _mxRule,
    ...rest
  } = snapshot(message) as Record<string, unknown>;
  return rest;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

describe('serialize -> parse -> serialize', () => {
  it('is byte-stable for constructed messages of every kind in both profiles, and the typed view survives', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(arbMessage, arbProfile, (message, profile) => {
        seen.add(`${message.kind}/${profile}`);
        const once = serializeMessage(message, { profile });
        const received = parsed(once);
        expect(received.kind).toBe(message.kind);
        expect(received.profile).toBe(profile);
        expect(sameBytes(serializeMessage(received), once)).toBe(true);
        expect(typedView(received)).toEqual(typedView(message));
        if (profile === message.profile) expect(snapshot(received)).toEqual(snapshot(message));
      }),
      { numRuns: 5000 },
    );
    expect(seen.size).toBe(10); // 5 kinds x 2 profiles were all generated
  });

  it('is byte-stable for arbitrary header lists (extension headers, odd casing, empty and UTF-8 values)', () => {
    const arbName = fc
      .stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,24}$/)
      .filter((name) => canonicalHeaderName(name) !== 'NTS');
    const arbHeaders = fc.array(
      fc.record({
        name: fc.oneof(arbName, fc.constantFrom('host', 'Cache-Control', 'usn', 'St', 'EXT')),
        value: arbHeaderValue,
      }),
      {
        maxLength: 12,
      },
    );
    const kinds: SsdpMessageKind[] = ['m-search', 'search-response', 'notify-alive', 'notify-byebye', 'notify-update'];
    fc.assert(
      fc.property(fc.constantFrom(...kinds), arbHeaders, arbProfile, fc.nat(12), (kind, headers, profile, ntsAt) => {
        const all: SsdpHeader[] = [...headers];
        if (kind.startsWith('notify-'))
          all.splice(ntsAt % (all.length + 1), 0, { name: 'NTS', value: `ssdp:${kind.slice(7)}` });
        const message = { kind, profile, headers: all } as unknown as SsdpMessage;
        const once = serializeMessage(message);
        const received = parsed(once);
        expect(received.kind).toBe(kind);
        expect(received.profile).toBe(profile);
        expect(received.headers.map((h) => [h.name, h.value])).toEqual(
          profile === 'upnp' ? all.map((h) => [canonicalHeaderName(h.name), h.value]) : expect.any(Array),
        );
        expect(received.headers).toHaveLength(all.length);
        expect(sameBytes(serializeMessage(received), once)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});
