import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_AGE_CAP,
  SsdpError,
  formatBootId,
  formatCacheControl,
  formatConfigId,
  formatHost,
  formatHttpDate,
  formatNextBootId,
  formatProductTokens,
  productTokenPart,
  formatSearchPort,
  formatSearchTarget,
  formatTcpPort,
  formatUsn,
  parseBootId,
  parseCacheControl,
  parseConfigId,
  parseHost,
  parseHttpDate,
  parseNextBootId,
  parseProductTokens,
  parseSearchPort,
  parseSearchTarget,
  parseTcpPort,
  parseUsn,
  type SearchTarget,
  type ValueResult,
} from '../src/index.ts';
import { arbSearchTarget, arbUsn } from './arbitraries.ts';

function value<T>(result: ValueResult<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

function code(result: ValueResult<unknown>): string | undefined {
  return result.ok ? undefined : result.error.code;
}

function thrownCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof SsdpError ? error.code : 'not an SsdpError';
  }
  return undefined;
}

/** What parse(format(t)) must give back: formatting writes a domain's dots as hyphens. */
function normalized(target: SearchTarget): SearchTarget {
  return target.type === 'device' || target.type === 'service'
    ? { ...target, domain: target.domain.replaceAll('.', '-') }
    : target;
}

describe('search target / notification type', () => {
  it('parses the five UDA forms', () => {
    expect(value(parseSearchTarget('ssdp:all'))).toEqual({ type: 'all' });
    expect(value(parseSearchTarget('upnp:rootdevice'))).toEqual({ type: 'root-device' });
    expect(value(parseSearchTarget('uuid:2fac1234-31f8-11b4-a222-08002b34c003'))).toEqual({
      type: 'uuid',
      uuid: '2fac1234-31f8-11b4-a222-08002b34c003',
    });
    expect(value(parseSearchTarget('urn:schemas-upnp-org:device:MediaServer:2'))).toEqual({
      type: 'device',
      domain: 'schemas-upnp-org',
      name: 'MediaServer',
      version: 2,
    });
    expect(value(parseSearchTarget('urn:example-com:service:Clock:12'))).toEqual({
      type: 'service',
      domain: 'example-com',
      name: 'Clock',
      version: 12,
    });
  });

  it('accepts quotes and case-insensitive keywords', () => {
    expect(value(parseSearchTarget('"ssdp:all"'))).toEqual({ type: 'all' });
    expect(value(parseSearchTarget('UPNP:RootDevice'))).toEqual({ type: 'root-device' });
    expect(value(parseSearchTarget('UUID:abc'))).toEqual({ type: 'uuid', uuid: 'abc' });
    expect(value(parseSearchTarget('URN:schemas-upnp-org:Service:X:1')).type).toBe('service');
  });

  it('rejects everything else, including the prototype values', () => {
    for (const bad of [
      'null',
      'notify',
      '',
      'ssdp:alll',
      'uuid:',
      'uuid:a::upnp:rootdevice',
      'uuid:a:',
      'uuid:a b',
      'urn:a:device:b',
      'urn:a:device:b:0',
      'urn:a:device:b:1.5',
      'urn:a:device:b:v1',
      'urn:a:widget:b:1',
      'urn::device:b:1',
      'urn:a:device::1',
      'urn:a:device:b:1:extra',
      'roku:ecp',
    ]) {
      expect(code(parseSearchTarget(bad)), bad).toBe('SSDP_ERR_INVALID_SEARCH_TARGET');
    }
  });

  it('formats canonically and writes vendor domain dots as hyphens', () => {
    expect(formatSearchTarget({ type: 'device', domain: 'example.com', name: 'Lamp', version: 1 })).toBe(
      'urn:example-com:device:Lamp:1',
    );
    expect(formatSearchTarget({ type: 'root-device' })).toBe('upnp:rootdevice');
    expect(thrownCode(() => formatSearchTarget({ type: 'service', domain: 'x', name: 'a:b', version: 1 }))).toBe(
      'SSDP_ERR_INVALID_ARGUMENT',
    );
    expect(thrownCode(() => formatSearchTarget({ type: 'device', domain: 'x', name: 'a', version: 0 }))).toBe(
      'SSDP_ERR_INVALID_ARGUMENT',
    );
    expect(thrownCode(() => formatSearchTarget({ type: 'uuid', uuid: 'a::b' }))).toBe('SSDP_ERR_INVALID_ARGUMENT');
  });

  it('round-trips: parse(format(t)) is t (with hyphenated domain) and format is idempotent', () => {
    fc.assert(
      fc.property(arbSearchTarget, (target) => {
        const text = formatSearchTarget(target);
        const parsed = value(parseSearchTarget(text));
        expect(parsed).toEqual(normalized(target));
        expect(formatSearchTarget(parsed)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('USN', () => {
  it('parses the four UDA forms', () => {
    expect(value(parseUsn('uuid:abc'))).toEqual({ uuid: 'abc', target: undefined });
    expect(value(parseUsn('uuid:abc::upnp:rootdevice'))).toEqual({ uuid: 'abc', target: { type: 'root-device' } });
    expect(value(parseUsn('uuid:abc::urn:schemas-upnp-org:device:Basic:1')).target).toEqual({
      type: 'device',
      domain: 'schemas-upnp-org',
      name: 'Basic',
      version: 1,
    });
    expect(value(parseUsn('uuid:abc::urn:schemas-upnp-org:service:Dimming:1')).target?.type).toBe('service');
  });

  it('rejects the prototype USN and other malformed values', () => {
    for (const bad of [
      '1',
      '',
      'abc',
      'uuid:',
      'uuid:abc::',
      'uuid:abc::ssdp:all',
      'uuid:a::uuid:b',
      'urn:x:device:y:1',
      'uuid:abc::null',
    ]) {
      expect(code(parseUsn(bad)), bad).toBe('SSDP_ERR_INVALID_USN');
    }
  });

  it('round-trips', () => {
    fc.assert(
      fc.property(arbUsn, (usn) => {
        const text = formatUsn(usn);
        const parsed = value(parseUsn(text));
        expect(parsed.uuid).toBe(usn.uuid);
        expect(parsed.target && normalized(parsed.target)).toEqual(usn.target && normalized(usn.target));
        expect(formatUsn(parsed)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('CACHE-CONTROL', () => {
  it('reads max-age in its variants and saturates huge values at 2^31', () => {
    expect(value(parseCacheControl('max-age=1800'))).toEqual({ maxAge: 1800 });
    expect(value(parseCacheControl('max-age = 1800'))).toEqual({ maxAge: 1800 });
    expect(value(parseCacheControl('no-cache="Ext", max-age=70'))).toEqual({ maxAge: 70 });
    expect(value(parseCacheControl('max-age=99999999999999999999'))).toEqual({ maxAge: MAX_AGE_CAP });
    for (const bad of [
      '',
      'max-age',
      'max-age=',
      'max-age=-1',
      'max-age=1.5',
      'no-cache',
      'maxage=10',
      'max-age=abc',
    ]) {
      expect(code(parseCacheControl(bad)), bad).toBe('SSDP_ERR_INVALID_CACHE_CONTROL');
    }
  });

  it('formats max-age=N and round-trips', () => {
    expect(formatCacheControl(1800)).toBe('max-age=1800');
    expect(thrownCode(() => formatCacheControl(-1))).toBe('SSDP_ERR_INVALID_ARGUMENT');
    expect(thrownCode(() => formatCacheControl(1.5))).toBe('SSDP_ERR_INVALID_ARGUMENT');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_AGE_CAP }), (maxAge) => {
        expect(value(parseCacheControl(formatCacheControl({ maxAge })))).toEqual({ maxAge });
      }),
    );
  });
});

describe('HTTP date', () => {
  const instant = Date.UTC(1994, 10, 6, 8, 49, 37);

  it('reads RFC 1123, RFC 850 and asctime forms of the same instant (RFC 9110 examples)', () => {
    expect(value(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).getTime()).toBe(instant);
    expect(value(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).getTime()).toBe(instant);
    expect(value(parseHttpDate('Sun Nov  6 08:49:37 1994')).getTime()).toBe(instant);
    expect(value(parseHttpDate('sun, 6 nov 1994 08:49:37 gmt')).getTime()).toBe(instant);
    expect(value(parseHttpDate('Thursday, 01-Jan-26 00:00:00 GMT')).getTime()).toBe(Date.UTC(2026, 0, 1));
  });

  it('rejects impossible and foreign dates', () => {
    for (const bad of [
      '',
      'yesterday',
      'Sun, 30 Feb 1994 08:49:37 GMT',
      'Sun, 06 Nov 1994 24:00:00 GMT',
      'Sun, 06 Nov 1994 08:60:00 GMT',
      'Xyz, 06 Nov 1994 08:49:37 GMT',
      'Sun, 06 Foo 1994 08:49:37 GMT',
      'Sun, 06 Nov 1994 08:49:37 CET',
      '1994-11-06T08:49:37Z',
      'Sun, 06 Nov 94 08:49:37 GMT',
    ]) {
      expect(code(parseHttpDate(bad)), bad).toBe('SSDP_ERR_INVALID_DATE');
    }
    expect(value(parseHttpDate('Sat, 29 Feb 2020 00:00:00 GMT')).getTime()).toBe(Date.UTC(2020, 1, 29));
  });

  it('formats IMF-fixdate and round-trips to the second', () => {
    expect(formatHttpDate(instant)).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
    expect(formatHttpDate(new Date(Date.UTC(2026, 10, 25, 17, 50, 29)))).toBe('Wed, 25 Nov 2026 17:50:29 GMT');
    expect(thrownCode(() => formatHttpDate(Number.NaN))).toBe('SSDP_ERR_INVALID_ARGUMENT');
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
        (date) => {
          const text = formatHttpDate(date);
          expect(text).toHaveLength(29);
          expect(value(parseHttpDate(text)).getTime()).toBe(Math.floor(date.getTime() / 1000) * 1000);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('BOOTID / CONFIGID / NEXTBOOTID (non-negative 31-bit) and SEARCHPORT / TCPPORT (49152-65535)', () => {
  it('parse decimal digits only, leading zeros ignored, within range', () => {
    expect(value(parseBootId('0'))).toBe(0);
    expect(value(parseBootId('007'))).toBe(7);
    expect(value(parseBootId('2147483647'))).toBe(2147483647);
    expect(value(parseNextBootId('1337'))).toBe(1337);
    expect(value(parseConfigId('16777216'))).toBe(16777216); // reserved, but accepted from the wire
    for (const bad of ['2147483648', '-1', '1.0', '', 'null.', ' ', '1e3', '0x10']) {
      expect(code(parseBootId(bad)), bad).toBe('SSDP_ERR_INVALID_BOOTID');
      expect(code(parseNextBootId(bad)), bad).toBe('SSDP_ERR_INVALID_NEXTBOOTID');
    }
    expect(code(parseConfigId('a51d4fae-7dec-11d0-a765-00a0c91e6bf6.'))).toBe('SSDP_ERR_INVALID_CONFIGID');
    expect(value(parseSearchPort('49152'))).toBe(49152);
    expect(value(parseTcpPort('65535'))).toBe(65535);
    for (const bad of ['49151', '65536', '1900', 'null', '']) {
      expect(code(parseSearchPort(bad)), bad).toBe('SSDP_ERR_INVALID_SEARCHPORT');
      expect(code(parseTcpPort(bad)), bad).toBe('SSDP_ERR_INVALID_TCPPORT');
    }
  });

  it('format only in range (CONFIGID only the vendor-assignable 0..2^24-1) and round-trip', () => {
    expect(thrownCode(() => formatBootId(2147483648))).toBe('SSDP_ERR_INVALID_ARGUMENT');
    expect(thrownCode(() => formatConfigId(16777216))).toBe('SSDP_ERR_INVALID_ARGUMENT');
    expect(thrownCode(() => formatSearchPort(1900))).toBe('SSDP_ERR_INVALID_ARGUMENT');
    expect(thrownCode(() => formatTcpPort(1.5))).toBe('SSDP_ERR_INVALID_ARGUMENT');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2147483647 }),
        fc.integer({ min: 0, max: 16777215 }),
        fc.integer({ min: 49152, max: 65535 }),
        (id, config, port) => {
          expect(value(parseBootId(formatBootId(id)))).toBe(id);
          expect(value(parseNextBootId(formatNextBootId(id)))).toBe(id);
          expect(value(parseConfigId(formatConfigId(config)))).toBe(config);
          expect(value(parseSearchPort(formatSearchPort(port)))).toBe(port);
          expect(value(parseTcpPort(formatTcpPort(port)))).toBe(port);
        },
      ),
    );
  });
});

describe('SERVER / USER-AGENT product tokens', () => {
  it('reads the UDA form', () => {
    const tokens = value(parseProductTokens('unix/5.1 UPnP/2.0 MyProduct/1.0'));
    expect(tokens.conforms).toBe(true);
    expect(tokens.os).toEqual({ name: 'unix', version: '5.1' });
    expect(tokens.upnp).toEqual({ major: 2, minor: 0 });
    expect(tokens.product).toEqual({ name: 'MyProduct', version: '1.0' });
  });

  it('reads what real senders write', () => {
    const minidlna = value(parseProductTokens('Debian DLNADOC/1.50 UPnP/1.0 MiniDLNA/1.3.0'));
    expect(minidlna.conforms).toBe(false);
    expect(minidlna.upnp).toEqual({ major: 1, minor: 0 });
    expect(minidlna.product).toEqual({ name: 'MiniDLNA', version: '1.3.0' });
    expect(minidlna.tokens).toHaveLength(4);
    const achingbrain = value(parseProductTokens('Linux/lab UPnP/1.1 @achingbrain/ssdp/4.2.4'));
    expect(achingbrain.conforms).toBe(true);
    expect(achingbrain.product).toEqual({ name: '@achingbrain/ssdp', version: '4.2.4' });
    const noduino = value(parseProductTokens('Noduino/1.0, UPnP/1.0, Unspecified'));
    expect(noduino.upnp).toEqual({ major: 1, minor: 0 });
    expect(noduino.product).toEqual({ name: 'Unspecified', version: undefined });
    const prototype = value(parseProductTokens('Raspbian GNU/Linux 10'));
    expect(prototype.upnp).toBeUndefined();
    expect(prototype.tokens.map((t) => t.name)).toEqual(['Raspbian', 'GNU', '10']);
    expect(value(parseProductTokens('WIN10.')).tokens).toEqual([{ name: 'WIN10.', version: undefined }]);
    expect(value(parseProductTokens('Mozilla/5.0 (X11; Linux x86_64) UPnP/1.0 X/1')).tokens[1]).toEqual({
      name: '(X11; Linux x86_64)',
      version: undefined,
    });
    expect(code(parseProductTokens('  '))).toBe('SSDP_ERR_INVALID_PRODUCT_TOKENS');
  });

  it('makes a token part of free text (an OS name or release) that formatProductTokens accepts', () => {
    expect(productTokenPart('Linux')).toBe('Linux');
    expect(productTokenPart(' 5.15.0 (WSL2, x86/64) ')).toBe('5.15.0-WSL2-x86-64-');
    expect(productTokenPart(' ')).toBe('unknown');
    fc.assert(
      fc.property(fc.string(), fc.string(), (osName, osVersion) => {
        const os = { name: productTokenPart(osName), version: productTokenPart(osVersion) };
        expect(value(parseProductTokens(formatProductTokens({ os, product: { name: 'p', version: '1' } }))).os).toEqual(
          os,
        );
      }),
    );
  });

  it('formats OS/ver UPnP/2.0 product/ver and round-trips', () => {
    expect(
      formatProductTokens({
        os: { name: 'Linux', version: '6.1' },
        product: { name: 'ssdp-device', version: '0.1.0' },
      }),
    ).toBe('Linux/6.1 UPnP/2.0 ssdp-device/0.1.0');
    expect(
      thrownCode(() =>
        formatProductTokens({ os: { name: 'My OS', version: '1' }, product: { name: 'p', version: '1' } }),
      ),
    ).toBe('SSDP_ERR_INVALID_ARGUMENT');
    const part = fc.stringMatching(/^[A-Za-z0-9._@+-]{1,12}$/);
    fc.assert(
      fc.property(
        part,
        part,
        part,
        part,
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 0, max: 9 }),
        (osName, osVersion, name, version, major, minor) => {
          const init = { os: { name: osName, version: osVersion }, product: { name, version }, upnp: { major, minor } };
          const parsed = value(parseProductTokens(formatProductTokens(init)));
          expect(parsed.os).toEqual(init.os);
          expect(parsed.product).toEqual(init.product);
          expect(parsed.upnp).toEqual(init.upnp);
          expect(parsed.conforms).toBe(osName.toLowerCase() !== 'upnp');
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('HOST', () => {
  it('reads IPv4, IPv6 and host names, with the default port 1900', () => {
    expect(value(parseHost('239.255.255.250:1900'))).toEqual({
      hostname: '239.255.255.250',
      port: 1900,
      scope: 'multicast',
    });
    expect(value(parseHost('239.255.255.250'))).toEqual({
      hostname: '239.255.255.250',
      port: 1900,
      scope: 'multicast',
    });
    expect(value(parseHost('[FF02::C]:1900'))).toEqual({ hostname: 'FF02::C', port: 1900, scope: 'multicast' });
    expect(value(parseHost('[ff05::c]'))).toEqual({ hostname: 'ff05::c', port: 1900, scope: 'multicast' });
    expect(value(parseHost('192.168.1.20:49152'))).toEqual({ hostname: '192.168.1.20', port: 49152, scope: 'unicast' });
    expect(value(parseHost('192.168.0.255:1337')).scope).toBe('unicast');
    expect(value(parseHost('[fe80::1]:1900')).scope).toBe('unicast');
    expect(value(parseHost('device.local')).scope).toBe('unicast');
    for (const bad of [
      '',
      ':1900',
      '239.255.255.250:',
      '239.255.255.250:0',
      '239.255.255.250:65536',
      'a b:1',
      '[::1',
      '[::1]x',
      'user@host:1',
    ]) {
      expect(code(parseHost(bad)), bad).toBe('SSDP_ERR_INVALID_HOST');
    }
  });

  it('formats with brackets for IPv6', () => {
    expect(formatHost({ hostname: 'ff02::c', port: 1900 })).toBe('[ff02::c]:1900');
    expect(formatHost({ hostname: '239.255.255.250' })).toBe('239.255.255.250:1900');
    expect(thrownCode(() => formatHost({ hostname: '', port: 1 }))).toBe('SSDP_ERR_INVALID_ARGUMENT');
  });
});
