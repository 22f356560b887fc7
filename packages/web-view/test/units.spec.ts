// The web view's small parts on their own: options, the Host and origin checks, the raw-message rings, image
// sniffing, icon choice and the stream hub's cut of a page that stops reading.
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { pickIcon } from '../src/device-details.ts';
import { checkSameOrigin, createHostCheck, hostOf } from '../src/http-policy.ts';
import { sniffImage } from '../src/image-sniff.ts';
import { RAW_TEXT_LIMIT, RawMessageStore, usnUuidOf, uuidsOfUsns } from '../src/raw-messages.ts';
import { MAX_BACKLOG_BYTES, SseHub } from '../src/sse-hub.ts';
import { isLoopbackHost, resolveWebViewOptions } from '../src/web-view-options.ts';

describe('options', () => {
  it('defaults to 127.0.0.1 on a free port, with the request deadline off and the guard on', () => {
    const resolved = resolveWebViewOptions({});
    expect(resolved).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      flushIntervalMs: 100,
      refreshIntervalMs: 1000,
      maxViewers: 32,
    });
    expect(resolved.http).toMatchObject({
      maxConnectionsPerSource: 32,
      maxConnections: 128,
      headersTimeoutMs: 5000,
      idleTimeoutMs: 5000,
      requestTimeoutMs: 0,
    });
  });

  it('rejects wrong options by name', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ port: 70000 }, 'port'],
      [{ port: 1.5 }, 'port'],
      [{ host: 'a b' }, 'host'],
      [{ host: 'http://x' }, 'host'],
      [{ hosts: [] }, 'hosts'],
      [{ flushIntervalMs: 1 }, 'flushIntervalMs'],
      [{ allowedHosts: 'x' }, 'allowedHosts'],
      [{ http: { requestTimeoutMs: 5 } }, 'http'],
    ];
    for (const [options, name] of bad)
      expect(() => resolveWebViewOptions(options as never), JSON.stringify(options)).toThrow(
        expect.objectContaining({ code: 'SSDP_ERR_INVALID_OPTION', option: name }),
      );
    expect(resolveWebViewOptions({ host: '[::1]' }).host).toBe('::1');
  });

  it('knows loopback hosts', () => {
    for (const host of ['127.0.0.1', '127.9.9.9', '::1', '[::1]', 'localhost', 'LOCALHOST'])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.2', 'localhost.evil', '128.0.0.1'])
      expect(isLoopbackHost(host), host).toBe(false);
  });
});

describe('Host and origin checks', () => {
  it('parses Host headers strictly', () => {
    expect(hostOf('Example.COM:80')).toBe('example.com');
    expect(hostOf('[::1]:8080')).toBe('::1');
    expect(hostOf('127.0.0.1')).toBe('127.0.0.1');
    for (const bad of [undefined, '', 'a b', 'x/y', 'user@host', '[::1', 'host:port'])
      expect(hostOf(bad), String(bad)).toBeUndefined();
  });

  it('accepts only known names, and this machine’s addresses only when listening on all', () => {
    const local = createHostCheck('127.0.0.1', []);
    expect(local('127.0.0.1:1')).toBe(true);
    expect(local('evil.example')).toBe(false);
    const wildcard = createHostCheck('0.0.0.0', ['box.lan']);
    expect(wildcard('box.lan')).toBe(true);
    expect(wildcard('127.0.0.1')).toBe(true);
    expect(wildcard('192.0.2.77')).toBe(false); // TEST-NET: never an address of this machine
    expect(wildcard('evil.example')).toBe(false);
  });

  it('same-origin: Sec-Fetch-Site same-origin or the exact Origin, and at least one of them', () => {
    const req = (headers: Record<string, string>) =>
      ({ headers: { host: '127.0.0.1:8080', ...headers } }) as unknown as IncomingMessage;
    expect(checkSameOrigin(req({ origin: 'http://127.0.0.1:8080' })).ok).toBe(true);
    expect(checkSameOrigin(req({ 'sec-fetch-site': 'same-origin' })).ok).toBe(true);
    expect(checkSameOrigin(req({})).ok).toBe(false);
    expect(checkSameOrigin(req({ origin: 'http://127.0.0.1:8081' })).ok).toBe(false);
    expect(checkSameOrigin(req({ origin: 'http://127.0.0.1:8080', 'sec-fetch-site': 'cross-site' })).ok).toBe(false);
    expect(checkSameOrigin(req({ 'sec-fetch-site': 'none' })).ok).toBe(false);
  });
});

describe('raw messages', () => {
  it('keys datagrams by the UUID of their USN and keeps the last few per UUID, the text cut', () => {
    expect(usnUuidOf('NOTIFY * HTTP/1.1\r\nUSN: uuid:ABC-1::upnp:rootdevice\r\n\r\n')).toBe('abc-1');
    expect(usnUuidOf('HTTP/1.1 200 OK\r\nusn:uuid:x2\r\n\r\n')).toBe('x2');
    expect(usnUuidOf('M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n')).toBeUndefined();
    const store = new RawMessageStore(3, 2);
    for (let i = 0; i < 5; i += 1)
      store.add('a', {
        time: `2026-01-01T00:00:0${i}.000Z`,
        address: '10.0.0.1',
        port: 1900,
        kind: 'notify-alive',
        text: `m${i}`,
      });
    store.add('b', {
      time: '2026-01-01T00:00:09.000Z',
      address: '10.0.0.2',
      port: 1900,
      kind: 'notify-alive',
      text: 'x'.repeat(RAW_TEXT_LIMIT + 10),
    });
    expect(store.latest(['a']).map((m) => m.text)).toEqual(['m2', 'm3', 'm4']);
    expect(store.latest(['B'])[0]!.text).toMatch(/\[… 10 more characters\]$/);
    store.add('c', {
      time: '2026-01-01T00:00:10.000Z',
      address: '10.0.0.3',
      port: 1900,
      kind: 'notify-alive',
      text: 'c',
    });
    expect(store.size).toBe(2);
    expect(store.latest(['a'])).toEqual([]); // least recently heard, evicted
    expect(uuidsOfUsns('uuid:Root', ['uuid:Root::upnp:rootdevice', 'uuid:emb::urn:x', 'junk'])).toEqual([
      'root',
      'emb',
    ]);
  });
});

describe('icons', () => {
  it('recognises raster formats by their bytes only', () => {
    expect(sniffImage(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
    expect(sniffImage(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImage(new TextEncoder().encode('GIF89a...'))).toBe('image/gif');
    expect(sniffImage(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(sniffImage(new TextEncoder().encode('<html><script>alert(1)</script>'))).toBeUndefined();
    expect(sniffImage(new Uint8Array([]))).toBeUndefined();
  });

  it('picks a common raster type near 48 px', () => {
    const icon = (mimetype: string, size: number) => ({
      mimetype,
      width: size,
      height: size,
      depth: 24,
      url: `/${mimetype}/${size}`,
    });
    expect(
      pickIcon([icon('image/bmp', 48), icon('image/png', 120), icon('image/png', 32), icon('image/jpeg', 48)])?.url,
    ).toBe('/image/png/32');
    expect(pickIcon([])).toBeUndefined();
  });
});

describe('stream hub', () => {
  it('cuts a page whose unsent backlog passes the bound, and refuses pages beyond the limit', () => {
    const hub = new SseHub(2);
    const page = () => {
      const res = Object.assign(new EventEmitter(), {
        writableLength: 0,
        destroyed: false,
        writeHead() {},
        write(chunk: string) {
          this.writableLength += chunk.length;
          return true;
        },
        destroy() {
          this.destroyed = true;
        },
      });
      const req = { socket: { setNoDelay() {} } };
      return { req: req as unknown as IncomingMessage, res };
    };
    const reader = page();
    const stalled = page();
    expect(hub.open(reader.req, reader.res as unknown as ServerResponse, () => 'snapshot')).toBe(true);
    expect(hub.open(stalled.req, stalled.res as unknown as ServerResponse, () => 'snapshot')).toBe(true);
    expect(hub.open(page().req, page().res as unknown as ServerResponse, () => 'x')).toBe(false);
    const frame = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 6; i += 1) {
      reader.res.writableLength = 0; // this one reads
      hub.broadcast(frame);
    }
    expect(stalled.res.writableLength).toBeGreaterThan(MAX_BACKLOG_BYTES);
    expect(stalled.res.destroyed).toBe(true);
    expect(reader.res.destroyed).toBe(false);
    expect(hub.size).toBe(1);
    expect(hub.slowCut).toBe(1);
    hub.closeAll();
  });
});
