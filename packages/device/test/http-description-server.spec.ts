import { connect as netConnect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createDescriptionHandler, DescriptionServerError, type DescriptionServer } from '../src/description-server.ts';
import { createHttpDescriptionServer } from '../src/http-description-server.ts';

const XML = '<?xml version="1.0" encoding="utf-8"?>\n<root xmlns="urn:schemas-upnp-org:device-1-0"/>\n';
const handler = createDescriptionHandler((path) => (path === '/devices/x/description.xml' ? XML : undefined));
const LO = { address: '127.0.0.1', family: 'IPv4' as const, name: 'lo' };

const servers: DescriptionServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('node:http description server (loopback)', () => {
  it('serves GET and HEAD with text/xml, 405 for other methods and 404 for unknown paths', async () => {
    const server = createHttpDescriptionServer({ port: 0, serverHeader: 'Linux/6.1 UPnP/2.0 ssdp-device/0.1.0' });
    servers.push(server);
    const port = await server.listen(LO, handler);
    expect(port).toBeGreaterThan(0);
    const url = `http://127.0.0.1:${port}/devices/x/description.xml`;

    const get = await fetch(url);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('text/xml; charset="utf-8"');
    expect(get.headers.get('server')).toBe('Linux/6.1 UPnP/2.0 ssdp-device/0.1.0');
    expect(await get.text()).toBe(XML);

    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(XML)));
    expect(await head.text()).toBe('');

    const post = await fetch(url, { method: 'POST', body: '<s:Envelope/>' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    await post.text();

    const missing = await fetch(`http://127.0.0.1:${port}/other.xml?x=1`);
    expect(missing.status).toBe(404);
    await missing.text();
    expect((await fetch(`${url}?cache=1`)).status).toBe(200);
  });

  it('binds only the given address, tries the same port on the next one, and stops serving on unlisten/close', async () => {
    const server = createHttpDescriptionServer({ port: 0 });
    servers.push(server);
    const port = await server.listen(LO, handler);
    expect(await server.listen(LO, handler)).toBe(port); // idempotent
    // Not bound to the wildcard address: the IPv6 loopback does not answer until it is listened on too.
    await expect(fetch(`http://[::1]:${port}/devices/x/description.xml`)).rejects.toThrow();
    const second = await server.listen({ address: '::1', family: 'IPv6', name: 'lo' }, handler);
    expect(second).toBe(port);
    expect((await fetch(`http://[::1]:${port}/devices/x/description.xml`)).status).toBe(200);
    await server.unlisten('::1');
    await expect(fetch(`http://[::1]:${port}/devices/x/description.xml`)).rejects.toThrow();
    expect((await fetch(`http://127.0.0.1:${port}/devices/x/description.xml`)).status).toBe(200);
    await server.close();
    await expect(fetch(`http://127.0.0.1:${port}/devices/x/description.xml`)).rejects.toThrow();
  });

  it('reports a port in use as a one-line DescriptionServerError', async () => {
    const first = createHttpDescriptionServer({ port: 0 });
    servers.push(first);
    const port = await first.listen(LO, handler);
    const second = createHttpDescriptionServer({ port });
    servers.push(second);
    const error = await second.listen(LO, handler).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DescriptionServerError);
    expect((error as Error).message).toBe(
      `description server: cannot listen on 127.0.0.1:${port}: port already in use (choose another --http-port)`,
    );
  });
});

describe('description server limits (loopback, @ssdp/http-guard)', () => {
  const connect = (port: number, localAddress: string) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = netConnect({ host: '127.0.0.1', port, localAddress }, () => resolve(socket));
      socket.on('error', reject);
    });
  const closed = (socket: Socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()));

  it('cuts a source over its share and a slow header at its deadline, reports each cut, and still serves another source', async () => {
    const server = createHttpDescriptionServer({
      port: 0,
      limits: { maxConnectionsPerSource: 2, headersTimeoutMs: 500 },
    });
    servers.push(server);
    const cuts: string[] = [];
    server.onDrop?.((reason, address) => cuts.push(`${reason} ${address}`));
    const port = await server.listen(LO, handler);

    const slow = await Promise.all([
      connect(port, '127.0.0.2'),
      connect(port, '127.0.0.2'),
      connect(port, '127.0.0.2'),
    ]);
    for (const socket of slow) socket.write('GET /devices/x/description.xml HTTP/1.1\r\nHost: x\r\n');
    const startedAt = Date.now();
    await Promise.all(slow.map(closed));
    const elapsed = Date.now() - startedAt;
    expect(cuts.filter((c) => c === 'http-source-cap 127.0.0.2')).toHaveLength(1);
    expect(cuts.filter((c) => c === 'http-header-deadline 127.0.0.2')).toHaveLength(2);
    // Not a speed target: the cut must come from the guard's deadline, not Node's 30 s connection check.
    expect(elapsed).toBeLessThan(5000);

    const other = await fetch(`http://127.0.0.1:${port}/devices/x/description.xml`);
    expect(other.status).toBe(200);
    await other.text();
  });
});
