// parseMessage returns plain data (every field an own data property, no methods); parseMessageView returns the
// lazy view the engines use. These tests pin that spread, Object.keys, structuredClone and JSON see every field
// of the plain message, and that the view's getters and the plain message agree field by field.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createMSearch,
  createNotifyAlive,
  createNotifyByeBye,
  createNotifyUpdate,
  createSearchResponse,
  formatSearchTarget,
  formatUsn,
  getHeader,
  parseMessage,
  parseMessageView,
  type SsdpMessage,
  type SsdpMessageView,
} from '../src/index.ts';
import { arbExtensionHeader, arbHeaderValue, arbSearchTarget, arbUsn } from './arbitraries.ts';
import { VALID_VECTORS, bytesOf } from './fixtures.ts';

// Written from message.ts's interfaces, not from the code: the fields a message of each kind must carry.
const BASE = ['kind', 'profile', 'headers', 'problems', 'host'];
const ADVERTISEMENT = [...BASE, 'maxAge', 'location', 'server', 'usn', 'bootId', 'configId', 'searchPort'];
const NOTIFY = [...ADVERTISEMENT, 'secureLocation', 'nt', 'nts', 'nextBootId'];
const FIELDS: Record<SsdpMessage['kind'], string[]> = {
  'm-search': [...BASE, 'hostScope', 'man', 'mxRaw', 'mx', 'mxRule', 'st', 'userAgent', 'cpfn', 'cpuuid', 'tcpPort'],
  'search-response': [...ADVERTISEMENT, 'secureLocation', 'st', 'date', 'ext'],
  'notify-alive': NOTIFY,
  'notify-byebye': NOTIFY,
  'notify-update': NOTIFY,
};

function plainOf(input: Uint8Array | string): SsdpMessage {
  const result = parseMessage(input);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.message;
}

function viewOf(input: Uint8Array | string): SsdpMessageView {
  const result = parseMessageView(input);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.message;
}

/** Every property the plain message must satisfy, and its agreement with a fresh view of the same input. */
function checkPlainAgainstView(input: Uint8Array | string): void {
  const plain = plainOf(input);
  const record = plain as unknown as Record<string, unknown>;
  expect(Object.keys(plain).sort()).toEqual([...FIELDS[plain.kind]].sort());
  for (const key of Object.keys(plain)) {
    const descriptor = Object.getOwnPropertyDescriptor(plain, key)!;
    expect(descriptor.get, key).toBeUndefined();
    expect(typeof descriptor.value, key).not.toBe('function');
  }
  expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
  expect({ ...plain }).toEqual(plain);
  expect(structuredClone(plain)).toEqual(plain);

  // The view's getters, read one by one on a fresh view, against the plain message's values.
  const fresh = viewOf(input) as unknown as Record<string, unknown>;
  for (const key of FIELDS[plain.kind]) expect(fresh[key], key).toEqual(record[key]);
  // toJSON is the plain data, on a view that computed nothing yet and on one that computed everything.
  expect(viewOf(input).toJSON()).toEqual(plain);
  expect((fresh as unknown as SsdpMessageView).toJSON()).toEqual(plain);
  const defined = Object.keys(plain).filter((key) => record[key] !== undefined);
  expect(Object.keys(JSON.parse(JSON.stringify(plain))).sort()).toEqual(defined.sort());
  expect(JSON.stringify(fresh)).toBe(JSON.stringify(plain));
}

const SEARCH =
  'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 2\r\nST: ssdp:all\r\n\r\n';

describe('parseMessage gives plain data', () => {
  it('with every field as an own property, undefined ones included', () => {
    const message = plainOf(SEARCH);
    expect(Object.keys(message)).toHaveLength(FIELDS['m-search'].length);
    expect({ ...message }).toMatchObject({ kind: 'm-search', mx: 2, st: { type: 'all' }, hostScope: 'multicast' });
    expect('userAgent' in message && message.kind === 'm-search' && message.userAgent === undefined).toBe(true);
    expect(structuredClone(message)).toMatchObject({ mxRule: { respond: true, maxDelayMs: 2000 } });
    expect(getHeader(message, 'man')).toBe('"ssdp:discover"');
  });

  it.each(VALID_VECTORS.map((v) => [v.name, v.bytes] as const))('on the capture %s', (_name, bytes) => {
    checkPlainAgainstView(bytes);
  });

  it('with problems, folded lines and the legacy profile', () => {
    checkPlainAgainstView(
      'M-SEARCH * HTTP/1.1\r\nHOST: nowhere\r\nMAN: x\r\nMX: -1\r\nST: bad\r\nTCPPORT.UPNP.ORG: 1\r\n\r\n',
    );
    checkPlainAgainstView('HTTP/1.1 200 OK\r\nDATE: never\r\nNT: ssdp:all\r\nUSN: x\r\nCACHE-CONTROL: no\r\n\r\n');
    checkPlainAgainstView(
      'NOTIFY * HTTP/1.1\r\nNTS: ssdp:update\r\nNT: upnp:\r\n rootdevice\r\nBOOTID.UPNP.ORG: 9\r\n\r\n',
    );
    checkPlainAgainstView('NOTIFY * HTTP/1.1\r\nNTS: ssdp:byebye\r\nNT: upnp:rootdevice\r\nUSN: uuid:a');
  });

  it('and so do the constructors', () => {
    const common = {
      usn: 'uuid:a::upnp:rootdevice',
      location: 'http://h/d.xml',
      maxAge: 1800,
      server: 'A/1 UPnP/2.0 B/1',
    };
    const messages: SsdpMessage[] = [
      createMSearch({ st: 'ssdp:all', mx: 2 }),
      createSearchResponse({ ...common, st: 'upnp:rootdevice', date: new Date(0), bootId: 1, configId: 2 }),
      createNotifyAlive({ ...common, nt: 'upnp:rootdevice' }),
      createNotifyByeBye({ usn: 'uuid:a::upnp:rootdevice', nt: 'upnp:rootdevice' }),
      createNotifyUpdate({
        usn: 'uuid:a::upnp:rootdevice',
        nt: 'upnp:rootdevice',
        location: 'http://h/',
        bootId: 1,
        nextBootId: 2,
        configId: 3,
      }),
    ];
    for (const message of messages) {
      expect(Object.keys(message).sort()).toEqual([...FIELDS[message.kind]].sort());
      expect(structuredClone(message)).toEqual(message);
      expect(Object.getPrototypeOf(message)).toBe(Object.prototype);
    }
  });
});

describe('parseMessageView gives the lazy view', () => {
  it('with kind and profile set while parsing, headers and typed fields computed once, on first read', () => {
    const view = viewOf(SEARCH);
    expect(Object.keys(view).sort()).toEqual(['kind', 'profile']);
    expect(view.headers).toBe(view.headers);
    expect(view.headers.map((h) => h.name)).toEqual(['HOST', 'MAN', 'MX', 'ST']);
    if (view.kind !== 'm-search') throw new Error('kind');
    expect(view.st).toBe(view.st); // cached: the same object every time
    expect(view.header('mx')).toBe('2');
    expect(JSON.parse(JSON.stringify(view))).toMatchObject({ mx: 2, mxRule: { respond: true, maxDelayMs: 2000 } });
  });
});

// Datagrams built from the known headers with valid and random values, in any order, plus extension headers.
const arbKnownLine = fc.oneof(
  fc.tuple(fc.constantFrom('ST', 'NT'), arbSearchTarget.map(formatSearchTarget)),
  arbUsn.map((usn) => ['USN', formatUsn(usn)]),
  fc.tuple(
    fc.constantFrom(
      'HOST',
      'MAN',
      'MX',
      'ST',
      'NT',
      'USN',
      'CACHE-CONTROL',
      'DATE',
      'EXT',
      'LOCATION',
      'SERVER',
      'USER-AGENT',
      'BOOTID.UPNP.ORG',
      'CONFIGID.UPNP.ORG',
      'NEXTBOOTID.UPNP.ORG',
      'SEARCHPORT.UPNP.ORG',
      'SECURELOCATION.UPNP.ORG',
      'TCPPORT.UPNP.ORG',
      'CPFN.UPNP.ORG',
      'CPUUID.UPNP.ORG',
    ),
    fc.oneof(arbHeaderValue, fc.constantFrom('1', '49152', 'max-age=60', 'Sun, 06 Nov 1994 08:49:37 GMT')),
  ),
  arbExtensionHeader.map((h) => [h.name, h.value]),
);
const arbDatagram = fc
  .tuple(
    fc.constantFrom('M-SEARCH * HTTP/1.1', 'HTTP/1.1 200 OK', 'NOTIFY * HTTP/1.1'),
    fc.constantFrom('ssdp:alive', 'ssdp:byebye', 'ssdp:update'),
    fc.array(arbKnownLine, { maxLength: 12 }),
    fc.boolean(),
  )
  .map(
    ([start, nts, lines, terminated]) =>
      `${start}\r\nNTS: ${nts}\r\n${lines.map(([n, v]) => `${n}: ${v}\r\n`).join('')}${terminated ? '\r\n' : ''}`,
  );

describe('plain and view agree on generated datagrams', () => {
  it('field by field, and through spread, Object.keys and structuredClone', () => {
    fc.assert(
      fc.property(arbDatagram, (text) => {
        if (!parseMessage(bytesOf(text)).ok) return;
        checkPlainAgainstView(bytesOf(text));
      }),
      { numRuns: 300 },
    );
  });
});
