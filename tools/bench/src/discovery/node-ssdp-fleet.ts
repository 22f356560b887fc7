// A fleet of node-ssdp 4.0.1 Servers in one process, for benchmark 2: each a root device with the same three
// advertisements as one `ssdp-device` (its UDN, upnp:rootdevice, urn:schemas-upnp-org:device:Basic:1) and its own
// LOCATION path (one LOCATION shared by many UDNs would look like embedded devices of one root). Each Server is
// its own socket on port 1900 (SO_REUSEADDR) joined to the group, so the kernel hands every M-SEARCH to every
// Server. Multicast loopback is turned off on each socket: with it on, every NOTIFY of one Server reaches every
// other Server in the process (N^2 deliveries; at 11,000 Servers creation stalled for minutes). Their periodic
// NOTIFYs are pushed out of the way (adInterval = 2^31 - 1 ms); the one 3 s after start remains.
// `--count max` starts Servers until the open-file limit (minus a margin) or until a start fails or times out,
// and reports how many one process held.
// Prints {"event":"ready","count","requested","limit","stoppedBy","ms","rssKiB"} and holds until SIGTERM.
// Run inside a lab host: node --import tsx node-ssdp-fleet.ts --count <n|max> --address <host address>
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import type { Socket } from 'node:dgram';

interface NodeSsdpServer {
  addUSN(usn: string): void;
  start(): Promise<void>;
  sockets: Record<string, Socket> | null;
}

const require = createRequire(import.meta.url);
const { Server } = require('node-ssdp') as { Server: new (options: object) => NodeSsdpServer };

const { values } = parseArgs({ options: { count: { type: 'string' }, address: { type: 'string' } }, strict: true });
const address = values.address ?? '127.0.0.1';
const requested =
  values.count === undefined || values.count === 'max' ? Number.POSITIVE_INFINITY : Number(values.count);
/** File descriptors left for the process itself (stdio, /proc reads, the event loop's own). */
const FD_MARGIN = 32;
const START_TIMEOUT_MS = 2000;

function openFileLimit(): number {
  const match = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return match === null ? Number.POSITIVE_INFINITY : Number(match[1]);
}

function openFiles(): number {
  return readdirSync('/proc/self/fd').length;
}

function udnOf(index: number): string {
  return `uuid:4e6f6465-5353-4450-8000-${index.toString(16).padStart(12, '0')}`;
}

const limit = openFileLimit();
const servers: NodeSsdpServer[] = [];
const startedAt = Date.now();
let stoppedBy = 'count';
while (servers.length < requested) {
  if (servers.length % 256 === 0 && openFiles() >= limit - FD_MARGIN) {
    stoppedBy = 'open-file limit';
    break;
  }
  const index = servers.length;
  const server = new Server({
    udn: udnOf(index),
    location: `http://${address}:9/node-ssdp/${index}/description.xml`,
    adInterval: 2 ** 31 - 1,
    // The ssdp-device fleet's SERVER for comparison is ours; node-ssdp keeps its own signature.
  });
  server.addUSN('upnp:rootdevice');
  server.addUSN('urn:schemas-upnp-org:device:Basic:1');
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    server.start().then(
      () => 'ok',
      (error: unknown) => `start failed: ${error instanceof Error ? error.message : String(error)}`,
    ),
    new Promise<string>((resolve) => (timer = setTimeout(() => resolve('start timed out'), START_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  if (outcome !== 'ok') {
    stoppedBy = outcome;
    break;
  }
  for (const socket of Object.values(server.sockets ?? {})) socket.setMulticastLoopback(false);
  servers.push(server);
}
const rssKiB = Math.round(process.memoryUsage().rss / 1024);
process.stdout.write(
  `${JSON.stringify({ event: 'ready', count: servers.length, requested: values.count ?? 'max', limit, stoppedBy, ms: Date.now() - startedAt, rssKiB })}\n`,
);
// Held until the benchmark is done; no byebyes (thousands of them would only slow the teardown).
process.on('SIGTERM', () => process.exit(0));
setInterval(() => undefined, 1 << 30);
