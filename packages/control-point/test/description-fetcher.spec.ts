// The describer against a real local HTTP server on 127.0.0.1 (real sockets, real clock), including servers
// that misbehave on purpose. A raw node:net server is used where node:http would refuse to lie.
import http from 'node:http';
import net from 'node:net';
import { buildDeviceDescription } from '@ssdp/protocol';
import { createSystemClock } from '@ssdp/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { interpretDescription } from '../src/describer.ts';
import { createHttpDescriptionFetcher, type FetchOutcome } from '../src/description-fetcher.ts';
import { createFetchHttpGet, createNodeHttpGet, nodeHttpGet, type HttpGet } from '../src/http-get.ts';

const UUID = '2fac1234-31f8-11b4-a222-08002b34c003';
const GOOD = buildDeviceDescription({
  specVersion: { major: 2, minor: 0 },
  configId: 1,
  device: {
    deviceType: 'urn:schemas-upnp-org:device:BinaryLight:1',
    friendlyName: 'Porch <Light> & Co',
    manufacturer: 'Test Corp',
    modelName: 'Lamp 2',
    udn: `uuid:${UUID}`,
    icons: [],
    services: [],
    devices: [],
  },
});

type Handler = (socket: net.Socket, request: { path: string; raw: string }) => void;

const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A raw HTTP/1.1 server on 127.0.0.1: `routes[path]` writes whatever it likes to the socket. */
async function serve(routes: Record<string, Handler>): Promise<{ port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const raw = buffered.slice(0, end);
      buffered = buffered.slice(end + 4);
      const path = raw.split(' ')[1] ?? '/';
      hits.push(path);
      const route = routes[path];
      if (route === undefined) socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      else route(socket, { path, raw });
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, hits };
}

function ok(body: string | Buffer, extraHeaders = ''): Handler {
  return (socket) => {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    socket.end(
      Buffer.concat([
        Buffer.from(
          `HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset="utf-8"\r\nContent-Length: ${bytes.length}\r\nConnection: close\r\n${extraHeaders}\r\n`,
        ),
        bytes,
      ]),
    );
  };
}

function redirect(location: string, status = 302): Handler {
  return (socket) =>
    socket.end(`HTTP/1.1 ${status} Found\r\nLocation: ${location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
}

function fetcher(
  httpGet: HttpGet = createFetchHttpGet(),
  init: Parameters<typeof createHttpDescriptionFetcher>[0] = {},
) {
  return createHttpDescriptionFetcher({ timeoutMs: 600, ...init }, { clock: createSystemClock(), httpGet });
}

function failure(outcome: FetchOutcome): string {
  return outcome.ok ? 'ok' : outcome.reason;
}

describe.each([
  ['fetch (undici)', createFetchHttpGet()],
  ['node:http', nodeHttpGet],
  ['node:http keep-alive (the default)', createNodeHttpGet()],
])('description fetch over %s', (_name, httpGet) => {
  it('fetches and parses a good description', async () => {
    const { port } = await serve({ '/desc.xml': ok(GOOD) });
    const outcome = await fetcher(httpGet).fetch({
      location: `http://127.0.0.1:${port}/desc.xml`,
      source: '127.0.0.1',
    });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(interpretDescription(outcome.body, UUID)).toEqual({
      ok: true,
      info: {
        friendlyName: 'Porch <Light> & Co',
        manufacturer: 'Test Corp',
        modelName: 'Lamp 2',
        deviceType: 'urn:schemas-upnp-org:device:BinaryLight:1',
        embedded: [],
        isRoot: true,
      },
    });
  });

  it('gives up at the deadline on a server that trickles its body (slowloris)', async () => {
    const { port } = await serve({
      '/slow.xml': (socket) => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n');
        const timer = setInterval(() => socket.write('1\r\n \r\n'), 50);
        socket.on('close', () => clearInterval(timer));
      },
    });
    const outcome = await fetcher(httpGet).fetch({
      location: `http://127.0.0.1:${port}/slow.xml`,
      source: '127.0.0.1',
    });
    expect(outcome).toMatchObject({ ok: false, reason: 'timeout' });
  });

  it('gives up at the deadline on a server that never sends headers', async () => {
    const { port } = await serve({ '/silent.xml': () => undefined });
    const outcome = await fetcher(httpGet).fetch({
      location: `http://127.0.0.1:${port}/silent.xml`,
      source: '127.0.0.1',
    });
    expect(failure(outcome)).toBe('timeout');
  });

  it('stops reading past 256 KiB: chunked without Content-Length, honest and lying Content-Length', async () => {
    const huge = Buffer.alloc(1024 * 1024, 0x61);
    const { port } = await serve({
      '/chunked.xml': (socket) => {
        socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
        const chunk = Buffer.alloc(16 * 1024, 0x61);
        const timer = setInterval(() => {
          if (!socket.writable) return clearInterval(timer);
          socket.write(`${chunk.length.toString(16)}\r\n`);
          socket.write(chunk);
          socket.write('\r\n');
        }, 1);
        socket.on('close', () => clearInterval(timer));
      },
      '/honest.xml': ok(huge),
      '/lying.xml': (socket) => {
        // Claims 100 bytes, then keeps sending: at most the claimed bytes may be taken as the body.
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n');
        socket.end(huge);
      },
    });
    const f = fetcher(httpGet, { timeoutMs: 2000 });
    expect(failure(await f.fetch({ location: `http://127.0.0.1:${port}/chunked.xml`, source: '127.0.0.1' }))).toBe(
      'too-large',
    );
    expect(failure(await f.fetch({ location: `http://127.0.0.1:${port}/honest.xml`, source: '127.0.0.1' }))).toBe(
      'too-large',
    );
    const lying = await f.fetch({ location: `http://127.0.0.1:${port}/lying.xml`, source: '127.0.0.1' });
    expect(lying.ok && lying.body.byteLength).toBe(100);
  });

  it('follows a few same-host redirects, and no more', async () => {
    let self = 0;
    const { port, hits } = await serve({
      '/a': redirect('/b', 301),
      '/b': (socket, request) => redirect(`http://127.0.0.1:${self}/d`, 307)(socket, request),
      '/d': ok(GOOD),
      '/loop': redirect('/loop'),
    });
    self = port;
    const f = fetcher(httpGet);
    const chain = await f.fetch({ location: `http://127.0.0.1:${port}/a`, source: '127.0.0.1' });
    expect(chain.ok && chain.url).toBe(`http://127.0.0.1:${port}/d`);
    expect(failure(await f.fetch({ location: `http://127.0.0.1:${port}/loop`, source: '127.0.0.1' }))).toBe(
      'too-many-redirects',
    );
    expect(hits.filter((h) => h === '/loop')).toHaveLength(4); // the first request and 3 redirects
  });

  it('refuses a redirect to another host or scheme without contacting it', async () => {
    const other = await serve({ '/desc.xml': ok(GOOD) });
    const { port } = await serve({
      '/off-host': redirect(`http://127.0.0.2:${other.port}/desc.xml`),
      '/https': redirect(`https://127.0.0.1:${other.port}/desc.xml`),
    });
    const f = fetcher(httpGet);
    expect(failure(await f.fetch({ location: `http://127.0.0.1:${port}/off-host`, source: '127.0.0.1' }))).toBe(
      'redirect-off-host',
    );
    expect(failure(await f.fetch({ location: `http://127.0.0.1:${port}/https`, source: '127.0.0.1' }))).toBe(
      'redirect-off-host',
    );
    expect(other.hits).toEqual([]);
  });

  it('reports a status other than 200', async () => {
    const { port } = await serve({});
    expect(
      failure(await fetcher(httpGet).fetch({ location: `http://127.0.0.1:${port}/missing.xml`, source: '127.0.0.1' })),
    ).toBe('http-status');
  });

  it('reports a refused connection as a network failure', async () => {
    const { port } = await serve({});
    await new Promise((resolve) => servers.pop()!.close(resolve));
    expect(
      failure(await fetcher(httpGet).fetch({ location: `http://127.0.0.1:${port}/x.xml`, source: '127.0.0.1' })),
    ).toBe('network');
  });
});

describe('description fetch against a node:http server', () => {
  it('fetches a description served by node:http, and times out on one that writes its body slowly', async () => {
    const server = http.createServer((request, response) => {
      if (request.url === '/desc.xml') {
        response.writeHead(200, { 'Content-Type': 'text/xml; charset="utf-8"' });
        response.end(GOOD);
        return;
      }
      response.writeHead(200, { 'Content-Type': 'text/xml' });
      const timer = setInterval(() => response.write(' '), 50);
      response.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as net.AddressInfo;
      const f = fetcher();
      const good = await f.fetch({ location: `http://127.0.0.1:${port}/desc.xml`, source: '127.0.0.1' });
      expect(good.ok && interpretDescription(good.body, UUID)).toMatchObject({
        ok: true,
        info: { friendlyName: 'Porch <Light> & Co' },
      });
      expect(failure(await f.fetch({ location: `http://127.0.0.1:${port}/slow.xml`, source: '127.0.0.1' }))).toBe(
        'timeout',
      );
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('description fetch policy', () => {
  it('refuses a LOCATION whose host is not the sender, unless allowed', async () => {
    const { port, hits } = await serve({ '/desc.xml': ok(GOOD) });
    const location = `http://127.0.0.1:${port}/desc.xml`;
    expect(failure(await fetcher().fetch({ location, source: '10.0.0.9' }))).toBe('foreign-host');
    expect(failure(await fetcher().fetch({ location: `http://localhost:${port}/desc.xml`, source: '127.0.0.1' }))).toBe(
      'foreign-host',
    );
    expect(hits).toEqual([]);
    expect(
      failure(await fetcher(undefined, { allowForeignLocation: true }).fetch({ location, source: '10.0.0.9' })),
    ).toBe('ok');
  });

  it('accepts only absolute http URLs', async () => {
    const f = fetcher();
    for (const location of [
      'null',
      '/desc.xml',
      'https://127.0.0.1/desc.xml',
      'ftp://127.0.0.1/x',
      'http://user:pw@127.0.0.1/x',
    ]) {
      expect([location, failure(await f.fetch({ location, source: '127.0.0.1' }))]).toEqual([location, 'bad-location']);
    }
  });

  it('matches IPv6 hosts in any spelling and takes the zone of a link-local sender', async () => {
    const seen: { host: string; zone: string | undefined }[] = [];
    const recording: HttpGet = (request) => {
      seen.push({ host: request.url.hostname, zone: request.zone });
      return Promise.resolve({
        status: 200,
        header: () => undefined,
        body: (async function* () {
          yield new TextEncoder().encode(GOOD);
        })(),
      });
    };
    const f = fetcher(recording);
    expect(failure(await f.fetch({ location: 'http://[FE80:0::1]:8080/d.xml', source: 'fe80::1%eth0' }))).toBe('ok');
    expect(failure(await f.fetch({ location: 'http://[fd00::2]:8080/d.xml', source: 'fd00:0:0::2' }))).toBe('ok');
    expect(failure(await f.fetch({ location: 'http://[fe80::2]:8080/d.xml', source: 'fe80::1%eth0' }))).toBe(
      'foreign-host',
    );
    expect(seen).toEqual([
      { host: '[fe80::1]', zone: 'eth0' },
      { host: '[fd00::2]', zone: undefined },
    ]);
  });

  it('rejects bodies that are not acceptable descriptions, with the parser\u2019s code', async () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>' +
      '<root xmlns="urn:schemas-upnp-org:device-1-0"><device><friendlyName>&lol2;</friendlyName></device></root>';
    const { port } = await serve({
      '/html': ok('<html><body>not a device</body></html>'),
      '/text': ok('hello, world'),
      '/laughs': ok(laughs),
      '/truncated': ok(GOOD.slice(0, GOOD.length / 2)),
    });
    const f = fetcher();
    const results: Record<string, unknown> = {};
    for (const path of ['/html', '/text', '/laughs', '/truncated']) {
      const outcome = await f.fetch({ location: `http://127.0.0.1:${port}${path}`, source: '127.0.0.1' });
      expect(outcome.ok).toBe(true);
      if (!outcome.ok) continue;
      const result = interpretDescription(outcome.body, UUID);
      results[path] = result.ok ? 'ok' : [result.reason, result.code];
    }
    expect(results).toEqual({
      '/html': ['invalid-description', 'SSDP_ERR_DESCRIPTION_INVALID'],
      '/text': ['invalid-description', expect.stringMatching(/^SSDP_ERR_(XML_MALFORMED|DESCRIPTION_INVALID)$/)],
      '/laughs': ['invalid-description', 'SSDP_ERR_XML_FORBIDDEN'],
      '/truncated': ['invalid-description', 'SSDP_ERR_XML_MALFORMED'],
    });
  });
});

describe('the default keep-alive client (createNodeHttpGet)', () => {
  /** Answers with keep-alive on the same connection; counts connections. */
  async function keepAliveServer(onRequest: (socket: net.Socket, nth: number) => void) {
    let connections = 0;
    let requests = 0;
    const server = net.createServer((socket) => {
      connections += 1;
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
      let buffered = '';
      socket.on('data', (chunk) => {
        buffered += chunk.toString('latin1');
        while (buffered.includes('\r\n\r\n')) {
          buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
          requests += 1;
          onRequest(socket, requests);
        }
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { port: (server.address() as net.AddressInfo).port, connections: () => connections };
  }
  const answer = (socket: net.Socket) =>
    socket.write(
      `HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(GOOD)}\r\nKeep-Alive: timeout=5\r\n\r\n${GOOD}`,
    );

  it('describes several devices of one host over one connection', async () => {
    const server = await keepAliveServer((socket) => answer(socket));
    const describe = fetcher(createNodeHttpGet());
    for (let i = 0; i < 3; i += 1) {
      const outcome = await describe.fetch({
        location: `http://127.0.0.1:${server.port}/d/${i}.xml`,
        source: '127.0.0.1',
      });
      expect(outcome.ok).toBe(true);
    }
    expect(server.connections()).toBe(1);
  });

  it('retries once on a new connection when the server dropped the kept-alive one meanwhile', async () => {
    // The second request arrives on the kept connection and the server resets it: a stale keep-alive.
    const server = await keepAliveServer((socket, nth) => (nth === 2 ? socket.resetAndDestroy() : answer(socket)));
    const describe = fetcher(createNodeHttpGet());
    expect((await describe.fetch({ location: `http://127.0.0.1:${server.port}/a.xml`, source: '127.0.0.1' })).ok).toBe(
      true,
    );
    expect((await describe.fetch({ location: `http://127.0.0.1:${server.port}/b.xml`, source: '127.0.0.1' })).ok).toBe(
      true,
    );
    expect(server.connections()).toBe(2);
  });
});
