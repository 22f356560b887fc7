// The parser records where each known header's value is and the typed fields read it in place (no slice before
// validating); header names go through a DFA; datagrams whose bytes align with their characters are scanned as
// bytes. These tests pin each of those paths to a plain string-based reading of the same datagram.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KNOWN_HEADER_NAMES, parseMessage, parseMessageView, type SsdpMessageView } from '../src/index.ts';
import { readSearchTarget } from '../src/search-target.ts';
import { readUsn } from '../src/usn.ts';
import { snapshot } from './fixtures.ts';

/** The lazy view, whose typed fields and header() read in place. */
function parse(input: Uint8Array | string): SsdpMessageView {
  const result = parseMessageView(input);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.message;
}

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));
const latin1 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

/** The typed reads of a value string, the way a receiver would read `message.header(name)` by hand. */
function targetOf(raw: string | undefined, nt: boolean): unknown {
  if (raw === undefined) return undefined;
  const target = readSearchTarget(raw);
  return target === undefined || (nt && target.type === 'all') ? undefined : target;
}

// Values with every awkward feature the in-place readers must get right: case, quotes, blanks around, a bare CR
// inside or at an edge, separators in odd places, non-ASCII, DEL, and digits for MX.
const PIECES = [
  'uuid:',
  'UUID:',
  'urn:',
  'URN:',
  'upnp:rootdevice',
  'UPnP:RootDevice',
  'ssdp:all',
  'SSDP:ALL',
  ':',
  '::',
  'device',
  'Service',
  'schemas-upnp-org',
  'x',
  'Basic',
  '1',
  '0',
  '12',
  '"',
  ' ',
  '\t',
  '\r',
  '\x7f',
  'é',
  '2fac1234-31f8-11b4',
];
const arbValue = fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }).map((parts) => parts.join(''));

describe('typed fields read in place', () => {
  it('equal the string readers applied to header(name), for any value (5,000 datagrams)', () => {
    fc.assert(
      fc.property(arbValue, arbValue, fc.constantFrom('\r\n', '\n'), (a, b, eol) => {
        // A bare CR directly before the line ending would end the line instead; keep it inside the value.
        const va = a.endsWith('\r') ? `${a}x` : a;
        const vb = b.endsWith('\r') ? `${b}x` : b;
        const notify = parse(bytes(`NOTIFY * HTTP/1.1${eol}NT: ${va}${eol}NTS: ssdp:alive${eol}USN:${vb}${eol}${eol}`));
        if (notify.kind !== 'notify-alive') throw new Error(notify.kind);
        expect(notify.nt).toEqual(targetOf(notify.header('NT'), true));
        expect(notify.usn).toEqual(readUsn(notify.header('USN')!));
        const search = parse(bytes(`M-SEARCH * HTTP/1.1${eol}ST:\t${vb} ${eol}MX: ${va}${eol}${eol}`));
        if (search.kind !== 'm-search') throw new Error(search.kind);
        expect(search.st).toEqual(targetOf(search.header('ST'), false));
        const mx = search.header('MX')!;
        expect(search.mx).toEqual(
          /^[0-9]+$/.test(mx) && Number(mx) >= 1 ? Math.min(Number(mx), 2 ** 31 - 1) : undefined,
        );
      }),
      { numRuns: 5000 },
    );
  });

  it('read a bare CR inside a value as a space, also at the edges', () => {
    const message = parse(
      'NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\r\nNTS: ssdp:alive \r\r\nUSN: uuid:abc\r::upnp:rootdevice\r\nBOOTID.UPNP.ORG: 7\r\r\n\r\n',
    );
    if (message.kind !== 'notify-alive') throw new Error(message.kind);
    expect(message.nt).toEqual({ type: 'root-device' });
    expect(message.usn).toBeUndefined(); // "uuid:abc ::upnp:rootdevice" has a blank in the uuid
    expect(message.bootId).toBe(7);
    expect(message.problems).toEqual([
      { header: 'USN', code: 'SSDP_ERR_INVALID_USN', value: 'uuid:abc ::upnp:rootdevice' },
    ]);
  });

  it('accept one pair of quotes around a whole target, in place and after a USN separator', () => {
    const message = parse(
      'HTTP/1.1 200 OK\r\nST: "urn:schemas-upnp-org:device:Basic:1"\r\nUSN: uuid:x::"urn:schemas-upnp-org:device:Basic:1"\r\n\r\n',
    );
    if (message.kind !== 'search-response') throw new Error(message.kind);
    const basic = { type: 'device', domain: 'schemas-upnp-org', name: 'Basic', version: 1 };
    expect(message.st).toEqual(basic);
    expect(message.usn).toEqual({ uuid: 'x', target: basic });
    expect(parse('M-SEARCH * HTTP/1.1\r\nST: "uuid:abc"\r\n\r\n')).toMatchObject({ st: { type: 'uuid', uuid: 'abc' } });
  });

  it('take the first occurrence of a duplicated known header, whatever its casing', () => {
    const message = parse(
      'HTTP/1.1 200 OK\r\nlocation: http://a/\r\nLOCATION: http://b/\r\nLocation: http://c/\r\n\r\n',
    );
    if (message.kind !== 'search-response') throw new Error(message.kind);
    expect(message.location).toBe('http://a/');
  });
});

describe('header names', () => {
  const arbCase = (name: string) =>
    fc
      .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
      .map((upper) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(''));

  it('find every known header in any casing', () => {
    for (const name of KNOWN_HEADER_NAMES) {
      fc.assert(
        fc.property(arbCase(name), (spelled) => {
          const message = parse(`M-SEARCH * HTTP/1.1\r\n${spelled}: v-${name}\r\n\r\n`);
          expect(message.header(name)).toBe(`v-${name}`);
          expect(message.header(name.toLowerCase())).toBe(`v-${name}`);
        }),
        { numRuns: 20 },
      );
    }
  });

  it('do not take a near miss for a known header (prefixes, extensions, one letter off)', () => {
    for (const name of [
      'N',
      'NTX',
      'NTS-',
      'US',
      'USNS',
      'HOSTS',
      'HOS',
      'LOCATIONS',
      'LOCATIO',
      'MXX',
      'SERVERX',
      'BOOTID.UPNP.ORGX',
      'BOOTID',
      'XST',
      'ST.',
    ]) {
      const message = parse(`HTTP/1.1 200 OK\r\n${name}: ssdp:all\r\nUSN: uuid:a\r\n\r\n`);
      if (message.kind !== 'search-response') throw new Error(message.kind);
      expect(message.st).toBeUndefined();
      expect(message.location).toBeUndefined();
      expect(message.host).toBeUndefined();
      expect(message.header(name)).toBe('ssdp:all');
      expect(message.headers).toEqual([
        { name, value: 'ssdp:all' },
        { name: 'USN', value: 'uuid:a' },
      ]);
    }
  });

  it('stop at a non-token character, ASCII or not, in the name', () => {
    for (const name of ['HO ST', 'HÖST', 'HO\u0000ST', 'HO\u007fST', 'HO@ST', 'HO(ST)', 'H"']) {
      const result = parseMessage(bytes(`M-SEARCH * HTTP/1.1\r\n${name}: x\r\n\r\n`));
      expect(result.ok).toBe(false);
      if (!result.ok) expect([result.error.code, result.error.offset]).toEqual(['SSDP_ERR_MALFORMED_HEADER', 21]);
    }
  });
});

describe('bytes and text agree', () => {
  // Stray bytes (each decodes to one U+FFFD, so bytes and characters stay aligned and the byte scan runs) and
  // multi-byte UTF-8 (fewer characters than bytes: the text scan runs) in names, values and the start line.
  const arbPiece = fc.constantFrom(
    'NOTIFY * HTTP/1.1',
    'HTTP/1.1 200 OK',
    'M-SEARCH * HTTP/1.1',
    '\r\n',
    '\n',
    ':',
    ': ',
    ' ',
    'NTS',
    'NT',
    'USN',
    'ST',
    'Host',
    'ssdp:alive',
    'uuid:a::upnp:rootdevice',
    'upnp:rootdevice',
    'X-Y',
    '\x80',
    '\xff',
    '\xc3',
    '\xe9',
    'é',
    '€',
    '😀',
    '\t',
  );
  const arbDatagram = fc.array(arbPiece, { maxLength: 24 }).map((parts) => parts.join(''));

  it('parses latin1-encoded (stray bytes) and UTF-8 datagrams the same as their decoded text (20,000 cases)', () => {
    fc.assert(
      fc.property(arbDatagram, fc.boolean(), (text, asLatin1) => {
        const data = asLatin1 ? latin1(text) : bytes(text);
        const fromBytes = parseMessage(data);
        const fromText = parseMessage(Buffer.from(data).toString('utf8'));
        expect(fromBytes.ok).toBe(fromText.ok);
        if (fromBytes.ok && fromText.ok) expect(snapshot(fromBytes.message)).toEqual(snapshot(fromText.message));
        if (!fromBytes.ok && !fromText.ok) {
          expect(fromBytes.error.code).toBe(fromText.error.code);
          expect(fromBytes.error.message).toBe(fromText.error.message);
        }
      }),
      { numRuns: 20_000 },
    );
  });

  it('reports byte offsets after multi-byte characters and after stray bytes', () => {
    const utf8 = parseMessage(bytes('M-SEARCH * HTTP/1.1\r\nX-A: Küche €\r\nbad line\r\n\r\n'));
    expect(utf8.ok).toBe(false);
    if (!utf8.ok) expect(utf8.error.offset).toBe(Buffer.byteLength('M-SEARCH * HTTP/1.1\r\nX-A: Küche €\r\n'));
    // Stray bytes (the aligned byte scan): the error is the same, and as before no offset is given after a U+FFFD.
    const stray = parseMessage(latin1('M-SEARCH * HTTP/1.1\r\nX-A: \x80\x80\r\nbad line\r\n\r\n'));
    expect(stray.ok).toBe(false);
    if (!stray.ok) expect([stray.error.code, stray.error.offset]).toEqual(['SSDP_ERR_MALFORMED_HEADER', undefined]);
    const strayBefore = parseMessage(latin1('M-SEARCH * HTTP/1.1\r\nbad line\r\nX-A: \x80\r\n\r\n'));
    if (!strayBefore.ok) expect(strayBefore.error.offset).toBe(21);
    // An unknown NTS is reported at its line, after non-ASCII bytes too.
    const nts = parseMessage(bytes('NOTIFY * HTTP/1.1\r\nX-A: é\r\nNTS: ssdp:gone\r\n\r\n'));
    expect(nts.ok).toBe(false);
    if (!nts.ok) {
      const at = Buffer.byteLength('NOTIFY * HTTP/1.1\r\nX-A: é\r\n');
      expect([nts.error.code, nts.error.offset, nts.error.header]).toEqual(['SSDP_ERR_UNKNOWN_NTS', at, 'NTS']);
    }
  });

  it('reports an unknown NTS at its line when continuation lines were joined', () => {
    const text = 'NOTIFY * HTTP/1.1\r\nSERVER: a\r\n b\r\nX: 1\r\nNTS: ssdp:gone\r\n\r\n';
    const result = parseMessage(text);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect([result.error.code, result.error.offset]).toEqual(['SSDP_ERR_UNKNOWN_NTS', text.indexOf('NTS:')]);
    const folded = parse(
      'NOTIFY * HTTP/1.1\r\nNTS: ssdp:alive\r\nNT: upnp:\r\n rootdevice\r\nUSN: uuid:a::upnp:rootdevice\r\n\r\n',
    );
    if (folded.kind !== 'notify-alive') throw new Error(folded.kind);
    // Joined with one SP, the NT is no longer a valid target; the typed view sees what `headers` shows.
    expect(folded.header('NT')).toBe('upnp: rootdevice');
    expect(folded.nt).toBeUndefined();
    expect(folded.usn).toEqual({ uuid: 'a', target: { type: 'root-device' } });
  });
});
