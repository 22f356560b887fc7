// node-ssdp 4.0.1's Client as a control point would use it, for benchmark 2: runs inside a lab host, searches
// ssdp:all like our controller's --once cycle (two sends 100 ms apart; node-ssdp always sends MX 3), listens
// until `--listen-ms` after the first send (our --once listens MX + 1 s), counts distinct UDNs (the USN before
// `::`) and prints one JSON line: {"sentAt", "responses", "firstSeen": [epoch ms per UDN]}.
// Run: node --import tsx node-ssdp-client.ts [--listen-ms 4000] [--repeat-ms 100] [--st ssdp:all]
import type { RemoteInfo } from 'node:dgram';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { udnOf } from './discovery-trial.ts';

type Headers = Record<string, string | undefined>;
interface NodeSsdpClient {
  on(event: 'response', listener: (headers: Headers, statusCode: number, rinfo: RemoteInfo) => void): unknown;
  start(): Promise<void>;
  search(st: string): void;
  stop(): void;
}

const require = createRequire(import.meta.url);
const { Client } = require('node-ssdp') as { Client: new (options: object) => NodeSsdpClient };

const { values } = parseArgs({
  options: { 'listen-ms': { type: 'string' }, 'repeat-ms': { type: 'string' }, st: { type: 'string' } },
  strict: true,
});
const listenMs = Number(values['listen-ms'] ?? 4000);
const repeatMs = Number(values['repeat-ms'] ?? 100);
const st = values.st ?? 'ssdp:all';

const firstSeen = new Map<string, number>();
let responses = 0;
const client = new Client({});
client.on('response', (headers) => {
  responses += 1;
  const udn = udnOf(headers['USN']);
  if (udn !== undefined && !firstSeen.has(udn)) firstSeen.set(udn, Date.now());
});
await client.start();
const sentAt = Date.now();
client.search(st);
setTimeout(() => client.search(st), repeatMs);
setTimeout(() => {
  client.stop();
  process.stdout.write(`${JSON.stringify({ sentAt, responses, firstSeen: [...firstSeen.values()] })}\n`);
}, listenMs);
