// @achingbrain/ssdp 4.2.4 as the device under benchmark 3's storm: one SSDP bus (its default socket: 0.0.0.0:1900,
// joined to 239.255.255.250) advertising the same three USNs as `ssdp-device` (upnp:rootdevice, the device type,
// and the UDN itself, so `ST: uuid:…` matches as it does for the others). LOCATION is given, so no HTTP server is
// started; periodic NOTIFYs are pushed out of the way (interval 2^31 - 1 ms). Counters come from its own events:
// 'ssdp:m-search' per parsed search, 'transport:outgoing-message' per datagram sent (responses are the
// `HTTP/1.1 200 OK` ones). Prints {"event":"ready"} and, on SIGTERM, {"event":"stopped","searches","responses"}.
// Run inside a lab host: node --import tsx achingbrain-advertiser.ts --udn uuid:... --address <host address>
import { parseArgs } from 'node:util';
import ssdp from '@achingbrain/ssdp';

const { values } = parseArgs({ options: { udn: { type: 'string' }, address: { type: 'string' } }, strict: true });
const udn = values.udn ?? 'uuid:00000000-0000-4000-8000-000000000000';
const url = `http://${values.address ?? '127.0.0.1'}:9/description.xml`;
// Its type wants both families; only the udp4 socket exists here.
const location = { udp4: url, udp6: url };

const bus = await ssdp({ udn });
const counters = { searches: 0, responses: 0, errors: 0 };
bus.on('error', () => (counters.errors += 1));
bus.on('ssdp:m-search', () => (counters.searches += 1));
bus.on('transport:outgoing-message', (_socket: unknown, buffer: Buffer) => {
  if (buffer.length >= 12 && buffer.toString('latin1', 0, 12) === 'HTTP/1.1 200') counters.responses += 1;
});
for (const usn of ['upnp:rootdevice', 'urn:schemas-upnp-org:device:Basic:1', udn]) {
  // details: {} keeps the library's default description (merged over it); nobody fetches it here.
  await bus.advertise({ usn, location, details: {}, interval: 2 ** 31 - 1 });
}
process.stdout.write(`${JSON.stringify({ event: 'ready' })}\n`);
process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify({ event: 'stopped', ...counters })}\n`);
  process.exit(0);
});
