import { describe, expect, it } from 'vitest';
import { getHeader, getHeaders, parseMessage, serializeMessageText, type SsdpMessage } from '../src/index.ts';
import { bytesOf } from './fixtures.ts';

function parse(text: string, limits?: Parameters<typeof parseMessage>[1]): SsdpMessage {
  const result = parseMessage(bytesOf(text), limits);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.message;
}

function errorOf(input: Uint8Array | string, options?: Parameters<typeof parseMessage>[1]) {
  const result = parseMessage(input, options);
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

const SEARCH =
  'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 2\r\nST: ssdp:all\r\n\r\n';

describe('parseMessage tolerates what real senders produce', () => {
  it('accepts LF-only line endings (still UPnP framing when an empty line ends the headers)', () => {
    const message = parse(SEARCH.replaceAll('\r\n', '\n'));
    expect(message.kind).toBe('m-search');
    expect(message.profile).toBe('upnp');
    expect(message.headers).toHaveLength(4);
  });

  it('accepts a datagram without final CRLF and marks it legacy', () => {
    const message = parse('M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMX: 2\r\nST: ssdp:all');
    expect(message.profile).toBe('legacy');
    expect(message.headers.map((h) => h.value)).toEqual(['239.255.255.250:1900', '2', 'ssdp:all']);
    expect(parse('M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n').profile).toBe('legacy');
  });

  it('accepts no blank after the colon (minidlnad) and blanks before it', () => {
    const message = parse(
      'NOTIFY * HTTP/1.1\r\nHOST:239.255.255.250:1900\r\nNT :upnp:rootdevice\r\nNTS:ssdp:alive\r\n\r\n',
    );
    expect(message.kind).toBe('notify-alive');
    if (message.kind !== 'notify-alive') return;
    expect(message.host).toBe('239.255.255.250:1900');
    expect(message.nt).toEqual({ type: 'root-device' });
    expect(message.headers[1]!.name).toBe('NT');
  });

  it('accepts quoted MAN and quoted ST', () => {
    const message = parse(SEARCH.replace('ST: ssdp:all', 'ST: "ssdp:all"'));
    if (message.kind !== 'm-search') throw new Error('kind');
    expect(message.man).toBe('ssdp:discover');
    expect(message.st).toEqual({ type: 'all' });
    expect(message.problems).toEqual([]);
  });

  it('accepts an unquoted MAN (the prototype) without a problem, and reports any other MAN', () => {
    const message = parse(SEARCH.replace('"ssdp:discover"', 'ssdp:discover'));
    expect(message.problems).toEqual([]);
    const other = parse(SEARCH.replace('"ssdp:discover"', '"ssdp:notify"'));
    if (other.kind !== 'm-search') throw new Error('kind');
    expect(other.man).toBe('ssdp:notify');
    expect(other.problems).toEqual([{ header: 'MAN', code: 'SSDP_ERR_INVALID_MAN', value: '"ssdp:notify"' }]);
  });

  it('reads max-age = 1800 with blanks, other directives and any case', () => {
    for (const value of ['max-age = 1800', 'no-cache, MAX-AGE=1800', 'max-age="1800"', 'public,max-age=1800 ']) {
      const message = parse(`NOTIFY * HTTP/1.1\r\nNTS: ssdp:alive\r\nCACHE-CONTROL: ${value}\r\n\r\n`);
      if (message.kind !== 'notify-alive') throw new Error('kind');
      expect(message.maxAge).toBe(1800);
    }
  });

  it('keeps duplicate headers; the first one feeds the typed field', () => {
    const message = parse('M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\nMX: 1\r\nst: upnp:rootdevice\r\nMX: 5\r\n\r\n');
    if (message.kind !== 'm-search') throw new Error('kind');
    expect(message.st).toEqual({ type: 'all' });
    expect(message.mx).toBe(1);
    expect(getHeaders(message, 'ST')).toEqual(['ssdp:all', 'upnp:rootdevice']);
    expect(getHeader(message, 'st')).toBe('ssdp:all');
    expect(getHeader(message, 'Mx')).toBe('1');
    expect(message.headers).toHaveLength(4);
  });

  it('trims trailing blanks (EXT: with a space) and keeps empty values', () => {
    const message = parse('HTTP/1.1 200 OK\r\nEXT: \r\nST: ssdp:all \t\r\nCACHE-CONTROL:\tmax-age=1800\r\n\r\n');
    if (message.kind !== 'search-response') throw new Error('kind');
    expect(message.ext).toBe(true);
    expect(getHeader(message, 'ext')).toBe('');
    expect(message.st).toEqual({ type: 'all' });
    expect(message.maxAge).toBe(1800);
  });

  it('matches header names in any case (Mx, Man, St, Host, User-Agent)', () => {
    const message = parse(
      'M-SEARCH * HTTP/1.1\r\nHost: 239.255.255.250:1900\r\nMan: "ssdp:discover"\r\nMx: 3\r\nSt: upnp:rootdevice\r\nuser-agent: A/1 UPnP/2.0 B/2\r\n\r\n',
    );
    if (message.kind !== 'm-search') throw new Error('kind');
    expect(message.hostScope).toBe('multicast');
    expect(message.mx).toBe(3);
    expect(message.st).toEqual({ type: 'root-device' });
    expect(message.userAgent).toBe('A/1 UPnP/2.0 B/2');
    expect(serializeMessageText(message)).toContain('\r\nUSER-AGENT: A/1 UPnP/2.0 B/2\r\n');
  });

  it('keeps unknown extension headers in order (OPT, 01-NLS, X-User-Agent, vendor ones)', () => {
    const message = parse(
      'NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nOPT: "http://schemas.upnp.org/upnp/1/0/"; ns=01\r\n01-NLS: 1\r\n' +
        'NTS: ssdp:alive\r\nX-User-Agent: redsonic\r\nmyheader.philips.com: "some value"\r\n\r\n',
    );
    expect(getHeader(message, '01-nls')).toBe('1');
    expect(getHeader(message, 'MYHEADER.PHILIPS.COM')).toBe('"some value"');
    expect(getHeader(message, 'X-Absent')).toBeUndefined();
    expect(message.headers.map((h) => h.name)).toEqual([
      'HOST',
      'OPT',
      '01-NLS',
      'NTS',
      'X-User-Agent',
      'myheader.philips.com',
    ]);
    expect(serializeMessageText(message)).toBe(
      'NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nOPT: "http://schemas.upnp.org/upnp/1/0/"; ns=01\r\n01-NLS: 1\r\n' +
        'NTS: ssdp:alive\r\nX-User-Agent: redsonic\r\nmyheader.philips.com: "some value"\r\n\r\n',
    );
  });

  describe('a stray LF inside a value starts a new line (decision: it is never silently glued back)', () => {
    it('is rejected when the new line is not a header line', () => {
      const error = errorOf('NOTIFY * HTTP/1.1\r\nNTS: ssdp:alive\r\nSERVER: Linux/5.4\nUPnP/1.0 x/1\r\n\r\n');
      expect(error.code).toBe('SSDP_ERR_MALFORMED_HEADER');
      expect(error.offset).toBe('NOTIFY * HTTP/1.1\r\nNTS: ssdp:alive\r\nSERVER: Linux/5.4\n'.length);
    });

    it('becomes a new header when the new line is one', () => {
      const message = parse('NOTIFY * HTTP/1.1\r\nNTS: ssdp:alive\r\nSERVER: Linux/5.4\nX-Extra: 1\r\n\r\n');
      expect(message.headers).toEqual([
        { name: 'NTS', value: 'ssdp:alive' },
        { name: 'SERVER', value: 'Linux/5.4' },
        { name: 'X-Extra', value: '1' },
      ]);
    });

    it('joins an obs-fold continuation (a line starting with a blank) with one space', () => {
      const message = parse('NOTIFY * HTTP/1.1\r\nNTS: ssdp:alive\r\nSERVER: Linux/5.4\n   UPnP/1.0 x/1\r\n\r\n');
      if (message.kind !== 'notify-alive') throw new Error('kind');
      expect(message.server).toBe('Linux/5.4 UPnP/1.0 x/1');
      expect(message.headers).toHaveLength(2);
    });

    it('can never end the header block early or smuggle a second message', () => {
      const message = parse(
        'NOTIFY * HTTP/1.1\r\nNTS: ssdp:alive\r\nSERVER: a\n\nNOTIFY * HTTP/1.1\r\nNTS: ssdp:byebye\r\n\r\n',
      );
      expect(message.kind).toBe('notify-alive');
      expect(message.headers).toHaveLength(2);
    });
  });

  it('ignores blank lines before the start line and bytes after the header block', () => {
    const message = parse(`\r\n\n${SEARCH}garbage that would be a body\r\nX: y`);
    expect(message.kind).toBe('m-search');
    expect(message.profile).toBe('upnp');
    expect(message.headers).toHaveLength(4);
  });

  it('accepts HTTP/1.0, a status line without reason phrase and case-insensitive or quoted NTS', () => {
    expect(parse('M-SEARCH * HTTP/1.0\r\nST: ssdp:all\r\n\r\n').kind).toBe('m-search');
    expect(parse('HTTP/1.1 200\r\nST: ssdp:all\r\n\r\n').kind).toBe('search-response');
    expect(parse('NOTIFY * HTTP/1.1\r\nNTS: SSDP:ByeBye\r\n\r\n').kind).toBe('notify-byebye');
    expect(parse('NOTIFY * HTTP/1.1\r\nNTS: "ssdp:update"\r\n\r\n').kind).toBe('notify-update');
  });

  it('turns a bare CR inside a value into a space (RFC 9112 §2.2), so it can never split a line', () => {
    const message = parse('M-SEARCH * HTTP/1.1\r\nX-A: one\rtwo\r\nX-B: end\r\r\n\r\n');
    expect(message.headers).toEqual([
      { name: 'X-A', value: 'one two' },
      { name: 'X-B', value: 'end' },
    ]);
    expect(serializeMessageText(message)).toBe('M-SEARCH * HTTP/1.1\r\nX-A: one two\r\nX-B: end\r\n\r\n');
  });

  it('decodes UTF-8 values and rejects a leading byte order mark as a bad start line', () => {
    expect(parse('M-SEARCH * HTTP/1.1\r\nCPFN.UPNP.ORG: Küche\r\n\r\n').headers[0]!.value).toBe('Küche');
    expect(errorOf(bytesOf(`\uFEFF${SEARCH}`)).code).toBe('SSDP_ERR_BAD_START_LINE');
  });

  it('reports an invalid typed value per field without failing the message', () => {
    const message = parse(SEARCH.replace('MX: 2', 'MX: abc'));
    if (message.kind !== 'm-search') throw new Error('kind');
    expect(message.mx).toBeUndefined();
    expect(message.mxRaw).toBe('abc');
    expect(message.mxRule).toEqual({ respond: false, reason: 'mx-invalid' });
    expect(message.problems).toEqual([{ header: 'MX', code: 'SSDP_ERR_INVALID_MX', value: 'abc' }]);
  });

  it('reports ssdp:all as NT: it is a search target only', () => {
    const message = parse('NOTIFY * HTTP/1.1\r\nNT: ssdp:all\r\nNTS: ssdp:alive\r\n\r\n');
    if (message.kind !== 'notify-alive') throw new Error('kind');
    expect(message.nt).toBeUndefined();
    expect(message.problems).toEqual([{ header: 'NT', code: 'SSDP_ERR_INVALID_SEARCH_TARGET', value: 'ssdp:all' }]);
  });

  it('accepts a Buffer (a Uint8Array) and rejects other input types with a typed error', () => {
    expect(parseMessage(Buffer.from(SEARCH)).ok).toBe(true);
    expect(errorOf(42 as unknown as string).code).toBe('SSDP_ERR_INVALID_ARGUMENT');
    expect(errorOf(null as unknown as string).code).toBe('SSDP_ERR_INVALID_ARGUMENT');
  });
});

describe('parseMessage limits (defaults: 64 KiB, 100 header lines, 8 KiB lines)', () => {
  /** A valid M-SEARCH of exactly `total` bytes whose lines all stay under 8 KiB. */
  const searchOfSize = (total: number): string => {
    const body = `M-SEARCH * HTTP/1.1\r\n${Array.from({ length: 9 }, (_, i) => `X-${i}: ${'v'.repeat(7000)}\r\n`).join('')}`;
    return `${body}X-T: ${'t'.repeat(total - body.length - 9)}\r\n\r\n`;
  };

  it('accepts a datagram of exactly 65536 bytes and rejects 65537 before decoding it', () => {
    const exact = searchOfSize(65536);
    expect(exact.length).toBe(65536);
    expect(parseMessage(bytesOf(exact)).ok).toBe(true);
    const error = errorOf(bytesOf(searchOfSize(65537)));
    expect(error.code).toBe('SSDP_ERR_TOO_LARGE');
    expect(error.offset).toBe(65536);
  });

  it('accepts 100 header lines and rejects the 101st with its offset', () => {
    const make = (n: number): string =>
      `M-SEARCH * HTTP/1.1\r\n${Array.from({ length: n }, (_, i) => `X-${i}: v\r\n`).join('')}\r\n`;
    expect(parse(make(100)).headers).toHaveLength(100);
    const error = errorOf(make(101));
    expect(error.code).toBe('SSDP_ERR_TOO_MANY_HEADERS');
    expect(error.offset).toBe(make(101).indexOf('X-100:'));
  });

  it('accepts an 8192-character line and rejects 8193', () => {
    const make = (length: number): string => `M-SEARCH * HTTP/1.1\r\nX-L: ${'a'.repeat(length - 5)}\r\n\r\n`;
    expect(parse(make(8192)).headers[0]!.value).toHaveLength(8187);
    const error = errorOf(make(8193));
    expect(error.code).toBe('SSDP_ERR_LINE_TOO_LONG');
    expect(error.offset).toBe(21);
    expect(errorOf(`M-SEARCH * HTTP/1.1${' '.repeat(9000)}x`).code).toBe('SSDP_ERR_LINE_TOO_LONG');
  });

  it('applies partial limit overrides and ignores junk ones', () => {
    expect(errorOf(SEARCH, { limits: { maxHeaderLines: 3 } }).code).toBe('SSDP_ERR_TOO_MANY_HEADERS');
    expect(parseMessage(SEARCH, { limits: { maxHeaderLines: 4 } }).ok).toBe(true);
    const huge = `M-SEARCH * HTTP/1.1\r\n${'X: y\r\n'.repeat(101)}\r\n`;
    expect(errorOf(huge, { limits: { maxHeaderLines: Number.NaN, maxLineLength: -1 } }).code).toBe(
      'SSDP_ERR_TOO_MANY_HEADERS',
    );
  });
});
