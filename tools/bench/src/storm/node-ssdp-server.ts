// node-ssdp 4.0.1's Server as the device under benchmark 3's storm: one root device with the same three
// advertisements as `ssdp-device` (its UDN, upnp:rootdevice, urn:schemas-upnp-org:device:Basic:1). node-ssdp has no
// counters, so its own two entry points are wrapped on the instance: `_parseMessage` (its socket handler's whole
// body) counts M-SEARCHes, `_send` (one call per response per socket) counts responses. Periodic NOTIFYs are
// pushed out of the way (adInterval 2^31 - 1 ms). Prints {"event":"ready"} and, on SIGTERM,
// {"event":"stopped","searches","responses","datagrams"}.
// Run inside a lab host: node --import tsx node-ssdp-server.ts --udn uuid:... --address <host address>
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

interface NodeSsdpServer {
  addUSN(usn: string): void;
  start(): Promise<void>;
  _parseMessage(msg: Buffer, rinfo: unknown): void;
  _send(...args: unknown[]): void;
}

const require = createRequire(import.meta.url);
const { Server } = require('node-ssdp') as { Server: new (options: object) => NodeSsdpServer };
const { values } = parseArgs({ options: { udn: { type: 'string' }, address: { type: 'string' } }, strict: true });

const server = new Server({
  udn: values.udn,
  location: `http://${values.address ?? '127.0.0.1'}:9/description.xml`,
  adInterval: 2 ** 31 - 1,
});
server.addUSN('upnp:rootdevice');
server.addUSN('urn:schemas-upnp-org:device:Basic:1');

const counters = { datagrams: 0, searches: 0, responses: 0 };
const parse = server._parseMessage.bind(server);
server._parseMessage = (msg, rinfo) => {
  counters.datagrams += 1;
  if (msg.length >= 8 && msg.toString('latin1', 0, 8) === 'M-SEARCH') counters.searches += 1;
  parse(msg, rinfo);
};
const send = server._send.bind(server);
server._send = (...args) => {
  counters.responses += 1;
  send(...args);
};

await server.start();
process.stdout.write(`${JSON.stringify({ event: 'ready' })}\n`);
process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify({ event: 'stopped', ...counters })}\n`);
  process.exit(0);
});
