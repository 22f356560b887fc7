import { type TransportOptions } from '@ssdp/transport';
import { MemoryNetwork, createMemoryTransport, seededRandom } from '@ssdp/transport/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HttpGet } from '@ssdp/control-point';
import type { CliIo } from '@ssdp/cli-kit';
import { runCli, type CliComponents } from '../src/run-cli.ts';
import { createFakeDevice } from '@ssdp/control-point/testing';

const UUID_A = '2fac1234-31f8-11b4-a222-08002b34c003';

function capture(terminal?: CliIo['terminal']) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
    ...(terminal === undefined ? {} : { terminal }),
  };
  return { io, out, err };
}

/** A MemoryNetwork with the controller host `cp` and a device host, and components that run on it. */
function world() {
  vi.useFakeTimers({ now: Date.UTC(2025, 10, 25, 12, 0, 0) });
  const network = new MemoryNetwork();
  network.addHost('cp', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.1/24' }]);
  network.addHost('dev1', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.2/24' }]);
  const documents = new Map<string, string>();
  const httpGet: HttpGet = ({ url }) => {
    const body = documents.get(url.href);
    return Promise.resolve({
      status: body === undefined ? 404 : 200,
      header: () => undefined,
      body: (async function* () {
        if (body !== undefined) yield new TextEncoder().encode(body);
      })(),
    });
  };
  const shutdown = new AbortController();
  const components: CliComponents = {
    createTransport: (options: TransportOptions) =>
      createMemoryTransport({ ...options, families: ['IPv4'] }, { network, host: 'cp' }),
    clock: network.clock,
    random: seededRandom(3),
    httpGet,
    shutdown: shutdown.signal,
    os: { type: 'Linux', release: '6.1.0-test' },
  };
  return { network, components, documents, shutdown };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ssdp-controller command line', () => {
  it('prints help on --help and exits 0', async () => {
    const { io, out } = capture();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(out.join('\n')).toContain('Usage: ssdp-controller');
    for (const flag of [
      '--interface',
      '--profile',
      '--port',
      '--broadcast',
      '--interval',
      '--mx',
      '--target',
      '--once',
      '--duration',
      '--json',
      '--watch',
      '--no-describe',
      '--describe-per-sender',
      '--verbose',
      '--version',
    ]) {
      expect(out.join('\n')).toContain(flag);
    }
  });

  it('prints the version on --version', async () => {
    const { io, out } = capture();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(out).toEqual(['0.1.0']);
  });

  it('rejects an unknown flag with one line and exit code 2', async () => {
    const { io, out, err } = capture();
    expect(await runCli(['--bogus'], io)).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^ssdp-controller: .*bogus/);
  });

  it.each([
    [['--port', '0']],
    [['--port', '70000']],
    [['--mx', '0']],
    [['--mx', 'x']],
    [['--interval', '-1']],
    [['--profile', 'dlna']],
    [['--broadcast', '10.0.0.255']],
    [['--profile', 'legacy', '--broadcast', 'nope']],
    [['--target', 'not a target']],
    [['--once', '--duration', '3']],
    [['--watch', '--json']],
    [['--max-devices', '0']],
    [['--describe-per-sender', '0']],
    [['--describe-per-sender', '9']],
    [['positional']],
  ])('rejects bad flags %j with one line and exit code 2', async (argv) => {
    const { io, out, err } = capture();
    expect(await runCli(argv, io)).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^ssdp-controller: /);
  });
});

describe('--once', () => {
  it('exits 0 and prints one device-found line per device, described, as NDJSON', async () => {
    const { network, components, documents } = world();
    const device = createFakeDevice({
      network,
      host: 'dev1',
      uuid: UUID_A,
      friendlyName: 'Porch Light',
      responseDelayMs: () => 500,
    });
    await device.start();
    documents.set(device.location, device.descriptionXml());
    const { io, out, err } = capture();
    const exit = runCli(['--once', '--json', '--interface', 'eth0'], io, components);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await exit).toBe(0);
    expect(err).toEqual([]);
    expect(out).toHaveLength(2); // the device, then the stats
    expect(JSON.parse(out[1]!)).toMatchObject({ event: 'stats', kernelDrops: 0 });
    const found = JSON.parse(out[0]!) as Record<string, unknown>;
    expect(found).toMatchObject({
      event: 'device-found',
      udn: `uuid:${UUID_A}`,
      address: '10.0.0.2',
      location: device.location,
      locations: [device.location],
      server: 'Linux/6.1 UPnP/2.0 fake-device/1.0',
      deviceType: 'urn:schemas-upnp-org:device:BinaryLight:1',
      friendlyName: 'Porch Light',
      manufacturer: 'Test Corp',
      modelName: 'Fake 1',
      bootId: 1,
      configId: 1,
      describe: 'described',
    });
    expect(found['usns']).toEqual(expect.arrayContaining([`uuid:${UUID_A}::upnp:rootdevice`, `uuid:${UUID_A}`]));
    expect(found['time']).toBe('2025-11-25T12:00:03.250Z'); // MX 3 + 0.25 s after the start
    expect(found['expiresAt']).toMatch(/^2025-11-25T12:30:00\.\d{3}Z$/);
    // The M-SEARCH carried our USER-AGENT.
    expect(network.sentContaining('USER-AGENT: Linux/6.1.0-test UPnP/2.0 ssdp-controller/0.1.0')).toHaveLength(2);
  });

  it('waits for every description, however many are queued behind the concurrency limit', async () => {
    // 64 devices whose descriptions each take 1.5 s: 8 at once drain in 12 s, far longer than one fetch deadline.
    const { network, components, documents } = world();
    const uuids: string[] = [];
    for (let i = 0; i < 64; i += 1) {
      const host = `slow${i}`;
      network.addHost(host, [{ name: 'eth0', link: 'lan', ipv4: `10.0.0.${100 + i}/24` }]);
      const uuid = `2fac1234-31f8-11b4-a222-${(0x08002b340000 + i).toString(16).padStart(12, '0')}`;
      const device = createFakeDevice({ network, host, uuid, friendlyName: `Slow ${i}` });
      await device.start();
      documents.set(device.location, device.descriptionXml());
      uuids.push(uuid);
    }
    const fastGet = components.httpGet!;
    const slowComponents: CliComponents = {
      ...components,
      httpGet: (request) =>
        new Promise((resolve, reject) => {
          network.clock.setTimeout(() => void fastGet(request).then(resolve, reject), 1500);
        }),
    };
    const { io, out } = capture();
    const exit = runCli(['--once', '--json', '--interface', 'eth0', '--mx', '1'], io, slowComponents);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await exit).toBe(0);
    const found = out
      .slice(0, -1)
      .map((line) => JSON.parse(line) as { udn: string; describe: string; friendlyName: string | null });
    expect(found.map((d) => d.udn).sort()).toEqual(uuids.map((u) => `uuid:${u}`).sort());
    expect(found.filter((d) => d.describe !== 'described')).toEqual([]);
    expect(found.every((d) => d.friendlyName?.startsWith('Slow ') === true)).toBe(true);
  });

  it('exits 1 when nothing answers, with one stderr line: what was searched, for how long, on which interfaces', async () => {
    const { components } = world();
    const { io, out, err } = capture();
    const exit = runCli(['--once', '--interface', 'eth0', '--mx', '1', '--target', 'upnp:rootdevice'], io, components);
    await vi.advanceTimersByTimeAsync(3000);
    expect(await exit).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual(['ssdp-controller: no device answered upnp:rootdevice within 1.25 s (MX 1 + 0.25 s) on eth0']);
  });

  it('says it searched on loopback only, and how to reach the LAN, when no --interface was given', async () => {
    const { components } = world();
    const { io, err } = capture();
    const exit = runCli(['--once'], io, {
      ...components,
      createTransport: (options) => components.createTransport({ ...options, interfaces: ['eth0'] }),
    });
    await vi.advanceTimersByTimeAsync(5000);
    expect(await exit).toBe(1);
    expect(err.at(-1)).toBe(
      'ssdp-controller: no device answered ssdp:all within 3.25 s (MX 3 + 0.25 s) on loopback only (use --interface all for the LAN)',
    );
  });

  it('prints human lines by default: address, friendlyName, device type, UDN', async () => {
    const { network, components, documents } = world();
    const device = createFakeDevice({ network, host: 'dev1', uuid: UUID_A, friendlyName: 'Porch Light' });
    await device.start();
    documents.set(device.location, device.descriptionXml());
    const { io, out } = capture();
    const exit = runCli(['--once', '--interface', 'eth0'], io, components);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await exit).toBe(0);
    expect(out).toEqual([
      `device-found    10.0.0.2  "Porch Light"  urn:schemas-upnp-org:device:BinaryLight:1  uuid:${UUID_A}`,
    ]);
  });

  it('exits 2 with one line for an unknown interface', async () => {
    const { components } = world();
    const { io, out, err } = capture();
    expect(await runCli(['--once', '--interface', 'wlan9'], io, components)).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^ssdp-controller: SSDP_ERR_UNKNOWN_INTERFACE: .*wlan9/);
  });

  it('exits 2 with one line when the port is in use', async () => {
    const { network, components } = world();
    network.host('cp').occupyPort('10.0.0.1', 1337); // legacy listens on <interface>:1337
    const { io, err } = capture();
    expect(await runCli(['--once', '--profile', 'legacy', '--interface', 'eth0'], io, components)).toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^ssdp-controller: SSDP_ERR_PORT_IN_USE: /);
  });
});

describe('running', () => {
  it('hints at --interface when it stays on loopback, runs for --duration and exits 0', async () => {
    const { components } = world();
    const { io, err, out } = capture();
    let settled = false;
    const exit = runCli(['--duration', '25', '--json'], io, components).then((code) => {
      settled = true;
      return code;
    });
    await vi.advanceTimersByTimeAsync(24_000);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await exit).toBe(0);
    expect(err).toEqual([
      'ssdp-controller: listening on loopback only; use --interface all (or a name/address) to use the LAN',
    ]);
    const searches = out.map((l) => JSON.parse(l) as { event: string; interfaceId: string; attempt: number });
    expect(searches.filter((e) => e.event === 'search-sent').map((e) => e.attempt)).toEqual([1, 2, 1, 2, 1, 2]);
    expect(searches.filter((e) => e.event === 'search-sent').every((e) => e.interfaceId === 'lo/IPv4')).toBe(true);
  });

  it('stops on the shutdown signal and reports devices appearing and leaving', async () => {
    const { network, components, shutdown } = world();
    const device = createFakeDevice({ network, host: 'dev1', uuid: UUID_A, answerSearches: false });
    await device.start();
    const { io, out } = capture();
    const exit = runCli(['--interface', 'eth0', '--no-describe'], io, components);
    await vi.advanceTimersByTimeAsync(1000);
    await device.alive();
    await vi.advanceTimersByTimeAsync(1000);
    await device.byebye();
    await vi.advanceTimersByTimeAsync(1000);
    shutdown.abort();
    expect(await exit).toBe(0);
    const lines = out.filter((l) => !l.startsWith('search-sent'));
    expect(lines).toEqual([
      `device-added    10.0.0.2  "Linux/6.1 UPnP/2.0 fake-device/1.0"  urn:schemas-upnp-org:device:BinaryLight:1  uuid:${UUID_A}`,
      `device-removed  10.0.0.2  "Linux/6.1 UPnP/2.0 fake-device/1.0"  urn:schemas-upnp-org:device:BinaryLight:1  uuid:${UUID_A}  (byebye)`,
    ]);
  });

  it('prints each raw message with --verbose, as the prototype did', async () => {
    const { network, components, shutdown } = world();
    const device = createFakeDevice({ network, host: 'dev1', uuid: UUID_A, answerSearches: false });
    await device.start();
    const { io, out, err } = capture();
    const exit = runCli(['--interface', 'eth0', '--no-describe', '--verbose'], io, components);
    await vi.advanceTimersByTimeAsync(10);
    await device.alive();
    await vi.advanceTimersByTimeAsync(10);
    shutdown.abort();
    expect(await exit).toBe(0);
    const text = out.join('\n');
    expect(text).toContain(
      'Received response from 10.0.0.2 Linux/6.1 UPnP/2.0 fake-device/1.0\n    NOTIFY * HTTP/1.1\n    HOST: 239.255.255.250:1900',
    );
    expect(err.at(-1)).toMatch(/^ssdp-controller: \d+ datagrams, /);
  });

  it('--json and --verbose print a flood of dropped datagrams as one line per reason per second, with its count', async () => {
    for (const mode of ['--json', '--verbose'] as const) {
      const { network, components, shutdown } = world();
      const flooder = createMemoryTransport(
        { interfaces: ['eth0'], families: ['IPv4'], port: 1900, unicastPort: 0, joinGroup: false },
        { network, host: 'dev1' },
      );
      await flooder.start();
      const { io, out } = capture();
      const exit = runCli(['--interface', 'eth0', '--no-describe', mode], io, components);
      await vi.advanceTimersByTimeAsync(10);
      for (let i = 0; i < 300; i += 1) {
        await flooder.send(new TextEncoder().encode(`JUNK ${i}\r\n\r\n`), {
          kind: 'multicast',
          interfaceId: flooder.interfaces[0]!.id,
        });
        if (i % 100 === 99) await vi.advanceTimersByTimeAsync(600);
      }
      shutdown.abort();
      expect(await exit).toBe(0);
      await flooder.stop();
      if (mode === '--json') {
        const drops = out
          .map((l) => JSON.parse(l) as { event: string; count: number; reason: string; address?: string })
          .filter((e) => e.event === 'dropped');
        expect(drops.length).toBeLessThanOrEqual(3);
        expect(drops.map((e) => e.reason)).toEqual(drops.map(() => 'SSDP_ERR_BAD_START_LINE'));
        expect(drops.reduce((sum, e) => sum + e.count, 0)).toBe(300);
        expect(drops[0]).toMatchObject({ count: 1, address: '10.0.0.2', interfaceId: 'eth0/IPv4' });
      } else {
        const drops = out.filter((l) => l.startsWith('dropped '));
        expect(drops[0]).toMatch(/^dropped +10\.0\.0\.2:\d+ on eth0\/IPv4 \(SSDP_ERR_BAD_START_LINE\)$/);
        expect(drops.slice(1).every((l) => /^dropped +10\.0\.0\.2 \(SSDP_ERR_BAD_START_LINE\) x\d+$/.test(l))).toBe(
          true,
        );
        expect(drops.length).toBeLessThanOrEqual(3);
        expect(1 + drops.slice(1).reduce((sum, l) => sum + Number(/x(\d+)$/.exec(l)![1]), 0)).toBe(300);
      }
      vi.useRealTimers();
    }
  });

  it('--watch redraws a table in place on a terminal', async () => {
    const { network, components, shutdown } = world();
    const device = createFakeDevice({
      network,
      host: 'dev1',
      uuid: UUID_A,
      friendlyName: 'Porch Light',
      answerSearches: false,
    });
    await device.start();
    const frames: string[] = [];
    const { io } = capture({ write: (text) => frames.push(text), columns: 100 });
    const exit = runCli(['--interface', 'eth0', '--watch', '--no-describe'], io, components);
    await vi.advanceTimersByTimeAsync(10);
    await device.alive();
    await vi.advanceTimersByTimeAsync(2000);
    shutdown.abort();
    expect(await exit).toBe(0);
    const last = frames.at(-1)!;
    expect(last.startsWith('\x1b[H')).toBe(true);
    expect(last).toMatch(/NAME\s+TYPE\s+ADDRESS\s+LAST SEEN\s+EXPIRES IN\s+STATUS/);
    expect(last).toMatch(
      /Linux\/6\.1 UPnP\/2\.0 fake-device\/1\.0\s+BinaryLight:1\s+10\.0\.0\.2\s+\ds ago\s+29m5\ds\s+alive/,
    );
  });

  it('--watch without a terminal falls back to lines', async () => {
    const { network, components, shutdown } = world();
    const device = createFakeDevice({ network, host: 'dev1', uuid: UUID_A, answerSearches: false });
    await device.start();
    const { io, out } = capture();
    const exit = runCli(['--interface', 'eth0', '--watch', '--no-describe'], io, components);
    await vi.advanceTimersByTimeAsync(10);
    await device.alive();
    await vi.advanceTimersByTimeAsync(200);
    shutdown.abort();
    expect(await exit).toBe(0);
    expect(out.some((l) => l.startsWith('device-added '))).toBe(true);
  });
});
