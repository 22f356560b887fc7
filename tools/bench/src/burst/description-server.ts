// The fleet's description server for benchmark 5: serves /d/<i>.xml, the description of burst.c's device i (its
// UDN uses the same tag), on every address of the lab host, so describing does real HTTP and XML work. Prints
// {"event":"ready"}, then {"event":"served","requests":N} on SIGTERM.
// Run: node --import tsx description-server.ts --port 8080 --tag 0123456789ab
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string' }, tag: { type: 'string' } }, strict: true });
const port = Number(values.port ?? 8080);
const tag = values.tag ?? '000000000000';

/** The UDN burst.c gives device i. */
export function burstUuid(index: number, runTag: string): string {
  return `${index.toString(16).padStart(8, '0')}-b0b0-4b0b-8b0b-${runTag}`;
}

function description(index: number): string {
  return (
    '<?xml version="1.0"?>\n<root xmlns="urn:schemas-upnp-org:device-1-0" configId="1">\n' +
    '<specVersion><major>2</major><minor>0</minor></specVersion>\n<device>\n' +
    '<deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType>\n' +
    `<friendlyName>Burst device ${index}</friendlyName>\n<manufacturer>ssdp bench</manufacturer>\n` +
    '<manufacturerURL>http://example.invalid/</manufacturerURL>\n<modelDescription>A device of the burst benchmark</modelDescription>\n' +
    `<modelName>Burst</modelName>\n<modelNumber>5</modelNumber>\n<serialNumber>${index}</serialNumber>\n` +
    `<UDN>uuid:${burstUuid(index, tag)}</UDN>\n` +
    '<serviceList><service><serviceType>urn:schemas-upnp-org:service:Dummy:1</serviceType>' +
    '<serviceId>urn:upnp-org:serviceId:Dummy</serviceId><SCPDURL>/scpd.xml</SCPDURL><controlURL>/ctl</controlURL>' +
    '<eventSubURL>/evt</eventSubURL></service></serviceList>\n</device>\n</root>\n'
  );
}

let requests = 0;
const server = createServer((request, response) => {
  requests += 1;
  const match = /^\/d\/(\d+)\.xml$/.exec(request.url ?? '');
  if (match === null) {
    response.writeHead(404).end();
    return;
  }
  const body = description(Number(match[1]));
  response
    .writeHead(200, { 'content-type': 'text/xml; charset="utf-8"', 'content-length': Buffer.byteLength(body) })
    .end(body);
});
server.keepAliveTimeout = 30_000;
server.listen(port, '0.0.0.0', () => process.stdout.write(`${JSON.stringify({ event: 'ready', port })}\n`));
process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify({ event: 'served', requests })}\n`);
  server.close();
  server.closeAllConnections();
});
