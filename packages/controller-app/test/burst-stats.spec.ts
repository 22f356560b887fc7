// Issue 13 at the command line: --recv-buffer, and losses that are never silent (the last --json line is a
// stats object with kernelDrops, --once included; a hint on stderr; kernel-drops= in the --verbose stats line).
import { type TransportOptions } from '@ssdp/transport';
import { MemoryNetwork, createMemoryTransport, seededRandom } from '@ssdp/transport/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '@ssdp/cli-kit';
import { parseCliArguments } from '../src/cli-arguments.ts';
import { runCli, type CliComponents } from '../src/run-cli.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

afterEach(() => {
  vi.useRealTimers();
});

/** A LAN where every socket holds at most `receiveQueue` undelivered datagrams (a small SO_RCVBUF). */
function world(receiveQueue: number) {
  vi.useFakeTimers({ now: Date.UTC(2025, 10, 25, 12, 0, 0) });
  const network = new MemoryNetwork({ receiveQueue });
  network.addHost('cp', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.1/24' }]);
  network.addHost('dev1', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.2/24' }]);
  const transportOptions: TransportOptions[] = [];
  const components: CliComponents = {
    createTransport: (options: TransportOptions) => {
      transportOptions.push(options);
      return createMemoryTransport({ ...options, families: ['IPv4'] }, { network, host: 'cp' });
    },
    clock: network.clock,
    random: seededRandom(3),
    os: { type: 'Linux', release: '6.1.0-test' },
  };
  return { network, components, transportOptions };
}

/** Answers the controller's first M-SEARCH with `count` different root devices, all in the same tick. */
async function answerWithBurst(network: MemoryNetwork, count: number): Promise<void> {
  const sender = createMemoryTransport(
    { interfaces: ['eth0'], families: ['IPv4'], port: 1900, joinGroup: true },
    { network, host: 'dev1' },
  );
  await sender.start();
  const interfaceId = sender.interfaces[0]!.id;
  let answered = false;
  sender.onDatagram((datagram) => {
    if (answered || !decoder.decode(datagram.bytes).startsWith('M-SEARCH')) return;
    answered = true;
    for (let i = 0; i < count; i += 1) {
      const uuid = `${i.toString(16).padStart(8, '0')}-1111-4222-8333-444455556666`;
      const text =
        'HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\n' +
        `LOCATION: http://10.0.0.2:8080/${i}.xml\r\nSERVER: Linux/6.1 UPnP/2.0 burst/1\r\nST: upnp:rootdevice\r\n` +
        `USN: uuid:${uuid}::upnp:rootdevice\r\n\r\n`;
      void sender.send(encoder.encode(text), {
        kind: 'unicast',
        interfaceId,
        address: datagram.remote.address,
        port: datagram.remote.port,
      });
    }
  });
}

describe('ssdp-controller under a burst', () => {
  it('--once --json: what the receive buffer dropped is exactly kernelDrops in the last line, with a hint on stderr', async () => {
    const { network, components, transportOptions } = world(25);
    await answerWithBurst(network, 60);
    const out: string[] = [];
    const err: string[] = [];
    const running = runCli(
      ['--once', '--json', '--no-describe', '-i', 'eth0', '--recv-buffer', '64K'],
      { stdout: (l) => out.push(l), stderr: (l) => err.push(l) },
      components,
    );
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await running).toBe(0);
    expect(transportOptions[0]?.receiveBufferSize).toBe(65_536);
    const lines = out.map((line) => JSON.parse(line) as { event: string; [key: string]: unknown });
    expect(lines.filter((l) => l.event === 'device-found')).toHaveLength(25);
    const stats = lines.at(-1)!;
    expect(stats).toMatchObject({
      event: 'stats',
      kernelDrops: 35,
      receiveBuffer: { requested: 65_536, granted: 65_536, clamped: false },
      repeats: 0,
    });
    expect((stats['datagrams'] as number) - (stats['ignored'] as number)).toBe(25);
    expect(err.filter((l) => l.includes('kernel dropped'))).toEqual([
      expect.stringMatching(/^ssdp-controller: the kernel dropped 35 datagrams for us/),
    ]);
  });

  it('--verbose: kernel-drops= and recv-buffer= in the stats line; no hint when nothing was dropped', async () => {
    const { network, components } = world(1000);
    await answerWithBurst(network, 10);
    const err: string[] = [];
    const running = runCli(
      ['--once', '--verbose', '--no-describe', '-i', 'eth0'],
      { stdout: () => undefined, stderr: (l) => err.push(l) },
      components,
    );
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await running).toBe(0);
    const line = err.find((l) => l.includes('datagrams'));
    expect(line).toMatch(/kernel-drops=0, recv-buffer=4194304 \(asked 4194304\)$/);
    expect(err.filter((l) => l.includes('kernel dropped'))).toEqual([]);
  });

  it('parses --recv-buffer in bytes, K or M, and refuses anything else', () => {
    expect(parseCliArguments(['--recv-buffer', '8M']).recvBuffer).toBe(8 * 1024 * 1024);
    expect(parseCliArguments(['--recv-buffer', '512k']).recvBuffer).toBe(512 * 1024);
    expect(parseCliArguments(['--recv-buffer', '212992']).recvBuffer).toBe(212_992);
    expect(parseCliArguments([]).recvBuffer).toBeUndefined();
    for (const bad of ['0', '-1', '1G', '513M', '4.5M', 'lots'])
      expect(() => parseCliArguments(['--recv-buffer', bad])).toThrow(UsageError);
  });
});
