// Property (1): any bytes give a message or a typed SsdpError, never a throw. The runs add up to well over
// 100,000 cases per CI run; the last test checks the count so the budget cannot silently shrink.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { SsdpError, parseMessage, serializeMessage, type ParseResult } from '../src/index.ts';
import { VALID_VECTORS } from './fixtures.ts';

let cases = 0;

/** Checks one input: no throw, a typed result (every field computed), and a message that re-serializes. */
function checkInput(input: Uint8Array | string): void {
  cases++;
  let result: ParseResult;
  try {
    result = parseMessage(input);
  } catch (error) {
    throw new Error(`parseMessage threw: ${String(error)}`, { cause: error });
  }
  if (!result.ok) {
    if (!(result.error instanceof SsdpError)) throw new Error('error is not an SsdpError');
    if (!result.error.code.startsWith('SSDP_ERR_') || result.error.code === 'SSDP_ERR_INTERNAL') {
      throw new Error(`unexpected code ${result.error.code}: ${result.error.message}`);
    }
    const { offset } = result.error;
    if (offset !== undefined && !(Number.isInteger(offset) && offset >= 0 && offset <= input.length)) {
      throw new Error(`offset ${offset} outside the input`);
    }
    return;
  }
  const message = result.message;
  // Whatever parses can be written back, and reads back as the same kind with the same headers.
  const again = parseMessage(serializeMessage(message));
  if (!again.ok) throw new Error(`re-parse failed: ${again.error.code}`);
  if (again.message.kind !== message.kind || again.message.headers.length !== message.headers.length) {
    throw new Error('re-parse changed the message');
  }
}

// Pieces real datagrams are made of, so random combinations reach deep into the parser.
const START_LINES = [
  'M-SEARCH * HTTP/1.1',
  'NOTIFY * HTTP/1.1',
  'HTTP/1.1 200 OK',
  'HTTP/1.0 200',
  'GET / HTTP/1.1',
  'NOTIFY * HTTP/2',
];
const NAMES = [
  'HOST',
  'Host',
  'MAN',
  'MX',
  'Mx',
  'ST',
  'NT',
  'NTS',
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
  'TCPPORT.UPNP.ORG',
  'CPFN.UPNP.ORG',
  'OPT',
  '01-NLS',
  'X-Y',
  '',
];
const VALUES = [
  '239.255.255.250:1900',
  '[FF02::C]:1900',
  '"ssdp:discover"',
  'ssdp:all',
  'upnp:rootdevice',
  'ssdp:alive',
  'ssdp:byebye',
  'ssdp:update',
  'uuid:2fac1234-31f8-11b4-a222-08002b34c003',
  'uuid:x::urn:schemas-upnp-org:device:Basic:1',
  'urn:a:service:b:2',
  'max-age = 1800',
  'Sun, 06 Nov 1994 08:49:37 GMT',
  '3',
  '0',
  '-1',
  '1e309',
  'NaN',
  '49152',
  '99999999999999999999',
  'null',
  '1',
  '',
  'é',
  '\u0000',
  '"',
  'A/1 UPnP/2.0 B/1',
];
const SEPARATORS = ['\r\n', '\n', '\r', '', ' ', '\t', ':', ': ', '\r\n\r\n'];

const arbLine = fc.oneof(
  fc.constantFrom(...START_LINES),
  fc
    .tuple(fc.constantFrom(...NAMES), fc.constantFrom(':', ': ', ' : ', ''), fc.constantFrom(...VALUES))
    .map(([n, c, v]) => n + c + v),
  fc.string({ maxLength: 20 }),
);
// A start line first (mostly valid, so the header code gets exercised), then random lines and separators.
const arbStructured = fc
  .tuple(
    fc.constantFrom(...START_LINES.slice(0, 4), ...START_LINES),
    fc.constantFrom('\r\n', '\n'),
    fc.array(fc.tuple(arbLine, fc.constantFrom(...SEPARATORS, '\r\n', '\r\n', '\n')), { maxLength: 14 }),
  )
  .map(([start, eol, parts]) => start + eol + parts.map(([line, sep]) => line + sep).join(''));

type Mutation = {
  kind: 'flip' | 'insert' | 'delete' | 'duplicate' | 'truncate';
  at: number;
  length: number;
  byte: number;
};
const arbMutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('flip', 'insert', 'delete', 'duplicate', 'truncate'),
  at: fc.nat(400),
  length: fc.integer({ min: 1, max: 40 }),
  byte: fc.constantFrom(0x00, 0x0a, 0x0d, 0x20, 0x3a, 0x22, 0x09, 0x7f, 0x80, 0xc3, 0xff, 0x41),
});

function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let data = Array.from(bytes);
  for (const m of mutations) {
    const at = data.length === 0 ? 0 : m.at % (data.length + 1);
    if (m.kind === 'flip' && at < data.length) data[at] = m.byte;
    else if (m.kind === 'insert') data.splice(at, 0, ...Array.from({ length: m.length }, () => m.byte));
    else if (m.kind === 'delete') data.splice(at, m.length);
    else if (m.kind === 'duplicate') data.splice(at, 0, ...data.slice(at, at + m.length));
    else if (m.kind === 'truncate') data = data.slice(0, at);
  }
  return new Uint8Array(data);
}

describe('parseMessage never throws', () => {
  it('on arbitrary bytes (100,000 cases)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), checkInput), { numRuns: 100_000 });
  });

  it('on arbitrary strings (10,000 cases)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), checkInput), { numRuns: 10_000 });
  });

  it('on SSDP-shaped datagrams built from real start lines, names, values and separators (30,000 cases)', () => {
    fc.assert(
      fc.property(arbStructured, (text) => checkInput(new Uint8Array(Buffer.from(text, 'utf8')))),
      { numRuns: 30_000 },
    );
  });

  it('on mutations of every real capture (30,000 cases)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...VALID_VECTORS),
        fc.array(arbMutation, { minLength: 1, maxLength: 4 }),
        (vector, mutations) => checkInput(mutate(vector.bytes, mutations)),
      ),
      { numRuns: 30_000 },
    );
  });

  it('on oversized and pathological inputs', () => {
    checkInput(new Uint8Array(70_000).fill(0x41));
    checkInput(`M-SEARCH * HTTP/1.1\r\n${'X: y\r\n'.repeat(5000)}`);
    checkInput(`M-SEARCH * HTTP/1.1\r\n${':'.repeat(60_000)}`);
    checkInput(`M-SEARCH * HTTP/1.1\r\n${'\n'.repeat(60_000)}`);
    checkInput(`M-SEARCH * HTTP/1.1\r\nX:${' \t'.repeat(30_000)}`);
    checkInput(`M-SEARCH * HTTP/1.1\r\nX: y\r\n${' z\r\n'.repeat(99)}`);
  });

  afterAll(() => {
    // 100,000 + 10,000 + 30,000 + 30,000 + 6, and fast-check may add shrinking runs on failure.
    expect(cases).toBeGreaterThanOrEqual(170_006);
  });
});
