import { describe, expect, it } from 'vitest';
import { clampMx, createMSearch, parseMessage, parseMx, searchResponseWindow, type SsdpProfile } from '../src/index.ts';

describe('parseMx', () => {
  it('accepts decimal integers ≥ 1 (huge ones saturate) and nothing else', () => {
    expect(parseMx('1')).toEqual({ ok: true, value: 1 });
    expect(parseMx(' 03 ')).toEqual({ ok: true, value: 3 });
    expect(parseMx('99999999999999999999')).toEqual({ ok: true, value: 2147483647 });
    for (const bad of ['', '0', '-1', '+1', '1.5', '1e309', '1e3', 'NaN', 'Infinity', 'abc', '0x5', '5s']) {
      const result = parseMx(bad);
      expect(result.ok, bad).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('SSDP_ERR_INVALID_MX');
    }
  });
});

describe('clampMx', () => {
  it('clamps to 5 for UPnP and to 120 for the legacy profile', () => {
    expect(clampMx(3)).toBe(3);
    expect(clampMx(5)).toBe(5);
    expect(clampMx(6)).toBe(5);
    expect(clampMx(120, 'legacy')).toBe(120);
    expect(clampMx(121, 'legacy')).toBe(120);
    expect(clampMx(10, 'legacy')).toBe(10);
  });
});

describe('searchResponseWindow (the UDA MX rules)', () => {
  const multicast = (mx: string | number | undefined, profile: SsdpProfile = 'upnp') =>
    searchResponseWindow({ mx, multicast: true, profile });

  it('drops a multicast search without MX', () => {
    expect(multicast(undefined)).toEqual({ respond: false, reason: 'mx-missing' });
    expect(multicast(undefined, 'legacy')).toEqual({ respond: false, reason: 'mx-missing' });
  });

  it('drops a multicast search with an invalid MX: non-integer, < 1, NaN, 1e309, -1', () => {
    for (const mx of [
      'abc',
      '',
      '0',
      '-1',
      '1.5',
      'NaN',
      '1e309',
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number('1e309'),
      -1,
      0,
      2.5,
    ]) {
      expect(multicast(mx), String(mx)).toEqual({ respond: false, reason: 'mx-invalid' });
    }
  });

  it('answers a valid multicast search within MX seconds, clamped to 5 s (UPnP)', () => {
    expect(multicast('1')).toEqual({ respond: true, maxDelayMs: 1000 });
    expect(multicast(4)).toEqual({ respond: true, maxDelayMs: 4000 });
    expect(multicast('5')).toEqual({ respond: true, maxDelayMs: 5000 });
    expect(multicast('6')).toEqual({ respond: true, maxDelayMs: 5000 });
    expect(multicast('120')).toEqual({ respond: true, maxDelayMs: 5000 });
    expect(multicast('99999999999999999999')).toEqual({ respond: true, maxDelayMs: 5000 });
  });

  it('honours MX up to 120 s in the legacy profile and clamps above', () => {
    expect(multicast('4', 'legacy')).toEqual({ respond: true, maxDelayMs: 4000 });
    expect(multicast('10', 'legacy')).toEqual({ respond: true, maxDelayMs: 10000 });
    expect(multicast('120', 'legacy')).toEqual({ respond: true, maxDelayMs: 120000 });
    expect(multicast('121', 'legacy')).toEqual({ respond: true, maxDelayMs: 120000 });
  });

  it('answers a unicast search within 1 s whatever its MX, which it does not need', () => {
    for (const mx of [undefined, 'abc', '0', '3', 5, '120']) {
      expect(searchResponseWindow({ mx, multicast: false }), String(mx)).toEqual({ respond: true, maxDelayMs: 1000 });
    }
  });
});

describe('the mxRule of a parsed M-SEARCH', () => {
  const rule = (text: string) => {
    const result = parseMessage(text);
    if (!result.ok || result.message.kind !== 'm-search') throw new Error('not an M-SEARCH');
    return result.message.mxRule;
  };
  const search = (host: string, mx?: string) =>
    `M-SEARCH * HTTP/1.1\r\nHOST: ${host}\r\nMAN: "ssdp:discover"\r\n${mx === undefined ? '' : `MX: ${mx}\r\n`}ST: ssdp:all\r\n\r\n`;

  it('drops a multicast search (IPv4 or IPv6 group, or no HOST) without a valid MX', () => {
    expect(rule(search('239.255.255.250:1900'))).toEqual({ respond: false, reason: 'mx-missing' });
    expect(rule(search('[FF02::C]:1900', 'abc'))).toEqual({ respond: false, reason: 'mx-invalid' });
    expect(rule('M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n')).toEqual({ respond: false, reason: 'mx-missing' });
  });

  it('parses a multicast M-SEARCH with MX "abc" fine and says drop', () => {
    const result = parseMessage(search('239.255.255.250:1900', 'abc'));
    expect(result.ok).toBe(true);
    if (result.ok && result.message.kind === 'm-search') {
      expect(result.message.mxRule.respond).toBe(false);
      expect(result.message.st).toEqual({ type: 'all' });
    }
  });

  it('clamps a multicast MX to 5 and answers a unicast search within 1 s', () => {
    expect(rule(search('239.255.255.250:1900', '30'))).toEqual({ respond: true, maxDelayMs: 5000 });
    expect(rule(search('192.168.1.20:1900'))).toEqual({ respond: true, maxDelayMs: 1000 });
    expect(rule(search('192.168.1.20:1900', '5'))).toEqual({ respond: true, maxDelayMs: 1000 });
  });

  it('treats a legacy search (the prototype broadcasts it) as one-to-many with MX up to 120', () => {
    const legacy = 'M-SEARCH * HTTP/1.1\r\nHOST: 192.168.0.255:1337\r\nMAN: ssdp:discover\r\nMX: 30\r\nST: null';
    expect(rule(legacy)).toEqual({ respond: true, maxDelayMs: 30000 });
    expect(rule(legacy.replace('MX: 30\r\n', ''))).toEqual({ respond: false, reason: 'mx-missing' });
  });

  it('is what a constructed search says too', () => {
    expect(createMSearch({ st: 'ssdp:all', mx: 3 }).mxRule).toEqual({ respond: true, maxDelayMs: 3000 });
    expect(createMSearch({ st: 'ssdp:all', host: '10.0.0.2:1900' }).mxRule).toEqual({
      respond: true,
      maxDelayMs: 1000,
    });
  });
});
