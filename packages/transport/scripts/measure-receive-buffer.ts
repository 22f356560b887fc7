// Measures how many SSDP responses a controller's search socket drops for several receive-buffer sizes.
// Loopback only (127.0.0.1): a worker thread plays N devices that each send R unicast responses of ~350 bytes,
// either spread uniformly over one MX window or all at once, into a UDP transport whose handler does light
// parsing work and stalls now and then (GC, a slow terminal). Run: node --import tsx scripts/measure-receive-buffer.ts
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { createUdpTransport } from '../src/udp-transport.ts';

interface Scenario {
  readonly pattern: 'spread' | 'burst';
  readonly datagrams: number;
  readonly windowMs: number;
  readonly stallMs: number;
  readonly stallEveryMs: number;
}

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const devices = Number(args.get('devices') ?? 1000);
const perDevice = Number(args.get('responses') ?? 4);
const repeats = Number(args.get('repeats') ?? 3);
const sizes = (args.get('sizes') ?? '106496,262144,1048576,4194304').split(',').map(Number);

const response = (n: number) =>
  [
    'HTTP/1.1 200 OK',
    'CACHE-CONTROL: max-age=1800',
    'DATE: Wed, 25 Nov 2026 19:00:00 GMT',
    'EXT:',
    `LOCATION: http://10.0.${(n >> 8) & 255}.${n & 255}:49152/description.xml`,
    'SERVER: Linux/6.18 UPnP/1.1 ssdp-device/0.1.0',
    'ST: urn:schemas-upnp-org:device:MediaServer:1',
    `USN: uuid:2fac1234-31f8-11b4-a222-${String(n).padStart(12, '0')}::urn:schemas-upnp-org:device:MediaServer:1`,
    'BOOTID.UPNP.ORG: 1',
    'CONFIGID.UPNP.ORG: 1',
    '',
    '',
  ].join('\r\n');

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const dgram = require('node:dgram');
const { port, count, windowMs, pattern, payloads } = workerData;
const socket = dgram.createSocket('udp4');
socket.bind(0, '127.0.0.1', () => {
  const times = Array.from({ length: count }, () => (pattern === 'burst' ? 0 : Math.random() * windowMs)).sort((a, b) => a - b);
  const start = Date.now();
  let next = 0, sent = 0;
  const tick = () => {
    const now = Date.now() - start;
    while (next < count && times[next] <= now) {
      const payload = payloads[next % payloads.length];
      socket.send(payload, port, '127.0.0.1', () => { sent += 1; if (sent === count) { socket.close(); parentPort.postMessage(sent); } });
      next += 1;
    }
    if (next < count) setTimeout(tick, 1);
  };
  tick();
});
`;

function rcvbufErrors(): number {
  const lines = readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Udp:'));
  const [header, values] = lines.map((l) => l.split(/\s+/));
  const index = header?.indexOf('RcvbufErrors') ?? -1;
  return index < 0 ? Number.NaN : Number(values?.[index]);
}

async function run(size: number, scenario: Scenario): Promise<{ received: number; kernelDrops: number }> {
  const transport = createUdpTransport({
    interfaces: ['127.0.0.1'],
    families: ['IPv4'],
    port: 1,
    unicastPort: 0,
    joinGroup: false,
    receiveBufferSize: size,
    interfacePollMs: 0,
  });
  let received = 0;
  let stallAt = Date.now() + scenario.stallEveryMs;
  const decoder = new TextDecoder();
  transport.onDatagram((d) => {
    // Light work, like a codec: decode, split, look at a few headers.
    const lines = decoder.decode(d.bytes).split('\r\n');
    if (lines.some((l) => l.toUpperCase().startsWith('USN:'))) received += 1;
    if (scenario.stallMs > 0 && Date.now() >= stallAt) {
      const until = Date.now() + scenario.stallMs;
      while (Date.now() < until) {
        // Busy: the event loop is blocked, datagrams queue in the socket buffer.
      }
      stallAt = Date.now() + scenario.stallEveryMs;
    }
  });
  await transport.start();
  const port = transport.interfaces[0]!.unicastPort;
  const before = rcvbufErrors();
  const payloads = Array.from({ length: 64 }, (_, n) => response(n));
  const worker = new Worker(workerSource, {
    eval: true,
    workerData: { port, count: scenario.datagrams, windowMs: scenario.windowMs, pattern: scenario.pattern, payloads },
  });
  await new Promise((resolve) => worker.once('message', resolve));
  await new Promise((resolve) => setTimeout(resolve, 300));
  await worker.terminate();
  await transport.stop();
  return { received, kernelDrops: rcvbufErrors() - before };
}

const scenarios: Scenario[] = [
  { pattern: 'spread', datagrams: devices * perDevice, windowMs: 1000, stallMs: 0, stallEveryMs: 0 },
  { pattern: 'spread', datagrams: devices * perDevice, windowMs: 1000, stallMs: 50, stallEveryMs: 200 },
  { pattern: 'burst', datagrams: devices * perDevice, windowMs: 0, stallMs: 0, stallEveryMs: 0 },
  { pattern: 'burst', datagrams: devices * perDevice, windowMs: 0, stallMs: 50, stallEveryMs: 200 },
];

console.log(
  `bytes per datagram: ${response(0).length}; rmem_max: ${readFileSync('/proc/sys/net/core/rmem_max', 'utf8').trim()}`,
);
console.log('pattern | datagrams | stall | SO_RCVBUF requested (effective) | dropped per run');
for (const scenario of scenarios) {
  for (const size of sizes) {
    const drops: number[] = [];
    for (let r = 0; r < repeats; r += 1) {
      const { received } = await run(size, scenario);
      drops.push(scenario.datagrams - received);
    }
    const stall = scenario.stallMs > 0 ? `${scenario.stallMs}ms/${scenario.stallEveryMs}ms` : 'none';
    console.log(
      `${scenario.pattern} | ${scenario.datagrams} | ${stall} | ${size} (${Math.min(size, 4194304) * 2}) | ${drops.join(', ')}`,
    );
  }
}
