// --web [HOST:]PORT: argument parsing, and a run that serves the live page of the running control point
// (memory network on the real clock, the web view on 127.0.0.1).
import http from 'node:http';
import net from 'node:net';
import type { HttpGet } from '@ssdp/control-point';
import { createFakeDevice } from '@ssdp/control-point/testing';
import type { TransportOptions } from '@ssdp/transport';
import { MemoryNetwork, createMemoryTransport, seededRandom } from '@ssdp/transport/testing';
import { describe, expect, it } from 'vitest';
import { parseCliArguments } from '../src/cli-arguments.ts';
import { runCli, type CliComponents } from '../src/run-cli.ts';
import { webViewMessages } from '../src/web-view-cli.ts';

const UUID = '2fac1234-31f8-11b4-a222-08002b34c0f1';

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
          // The live stream never ends: its first frame is enough.
          const at = body.indexOf('event: snapshot');
          if (url.endsWith('/api/events') && at >= 0 && body.includes('\n\n', at)) {
            resolve({ status: res.statusCode ?? 0, body });
            res.destroy();
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('--web', () => {
  it('parses [HOST:]PORT, 127.0.0.1 by default', () => {
    expect(parseCliArguments(['--web', '8080']).web).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseCliArguments(['--web', '0.0.0.0:80']).web).toEqual({ host: '0.0.0.0', port: 80 });
    expect(parseCliArguments(['--web', '[::1]:0']).web).toEqual({ host: '::1', port: 0 });
    expect(parseCliArguments(['--web', 'localhost:9000']).web).toEqual({ host: 'localhost', port: 9000 });
    expect(parseCliArguments([]).web).toBeUndefined();
    for (const bad of [
      ['--web', '70000'],
      ['--web', 'x:y'],
      ['--web', '::1:80'],
      ['--web', 'a b:80'],
      ['--web', '8080', '--once'],
      ['--web', ''],
    ]) {
      expect(() => parseCliArguments(bad), bad.join(' ')).toThrow(/--web/);
    }
  });

  it('warns in one line when the page is reachable from the network', () => {
    expect(webViewMessages('127.0.0.1', 'http://127.0.0.1:8080/')).toEqual(['web view at http://127.0.0.1:8080/']);
    const open = webViewMessages('0.0.0.0', 'http://127.0.0.1:8080/');
    expect(open).toHaveLength(2);
    expect(open[0]).toMatch(/^warning: the web view listens on 0\.0\.0\.0: anyone on the network/);
  });

  it('serves the live page of the running control point, and prints raw datagrams only with --verbose', async () => {
    const network = new MemoryNetwork();
    network.addHost('cp', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.1/24' }]);
    network.addHost('dev1', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.2/24' }]);
    const device = createFakeDevice({ network, host: 'dev1', uuid: UUID, friendlyName: 'Web Lamp' });
    await device.start();
    const httpGet: HttpGet = async ({ url }) => ({
      status: url.href === device.location ? 200 : 404,
      header: () => undefined,
      body: (async function* () {
        if (url.href === device.location) yield new TextEncoder().encode(device.descriptionXml());
      })(),
    });
    const shutdown = new AbortController();
    const components: CliComponents = {
      createTransport: (options: TransportOptions) =>
        createMemoryTransport({ ...options, families: ['IPv4'] }, { network, host: 'cp' }),
      clock: network.clock,
      random: seededRandom(3),
      httpGet,
      shutdown: shutdown.signal,
    };
    const out: string[] = [];
    const err: string[] = [];
    const run = runCli(
      ['--interface', 'eth0', '--mx', '1', '--web', '127.0.0.1:0'],
      { stdout: (l) => out.push(l), stderr: (l) => err.push(l) },
      components,
    );
    try {
      await expect.poll(() => err.find((line) => line.includes('web view at')), { timeout: 5000 }).toBeDefined();
      const url = /web view at (\S+)/.exec(err.find((line) => line.includes('web view at'))!)![1]!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(err.some((line) => line.includes('warning'))).toBe(false);
      await expect.poll(() => out.some((line) => line.includes('Web Lamp')), { timeout: 5000 }).toBe(true);
      expect((await get(url)).status).toBe(200);
      const events = await get(`${url}api/events`);
      expect(events.body).toMatch(/^event: snapshot\ndata: .*"Web Lamp"/m);
      const details = JSON.parse((await get(`${url}api/device?udn=uuid%3A${UUID}`)).body) as {
        raw: unknown[];
        rawMessages: boolean;
      };
      expect(details.rawMessages).toBe(true); // --web turns the library's rawMessages on for the details panel
      expect(details.raw.length).toBeGreaterThan(0);
      expect(out.some((line) => line.startsWith('Received'))).toBe(false); // ... but they are not printed
    } finally {
      shutdown.abort();
      expect(await run).toBe(0);
      await device.stop();
    }
  });

  it('a port in use is a startup error: one line, exit 2, nothing on stdout', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const network = new MemoryNetwork();
    network.addHost('cp', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.1/24' }]);
    const out: string[] = [];
    const err: string[] = [];
    try {
      const code = await runCli(
        ['--interface', 'eth0', '--web', `127.0.0.1:${port}`],
        { stdout: (l) => out.push(l), stderr: (l) => err.push(l) },
        {
          createTransport: (options: TransportOptions) =>
            createMemoryTransport({ ...options, families: ['IPv4'] }, { network, host: 'cp' }),
          clock: network.clock,
          random: seededRandom(3),
        },
      );
      expect(code).toBe(2);
      expect(out).toEqual([]);
      expect(err).toEqual([`ssdp-controller: web view: cannot listen on 127.0.0.1:${port} (EADDRINUSE)`]);
    } finally {
      blocker.close();
    }
  });
});
