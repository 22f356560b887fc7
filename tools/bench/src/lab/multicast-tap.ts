// A passive observer for a lab host: joins the SSDP group on the host's address and prints one JSON line per
// datagram it hears, `{"k":"s"|"n"|"o","at":<Date.now()>,"a":"<source address>","p":<port>}` (s: M-SEARCH,
// n: NOTIFY, o: other). It sends nothing. The benchmarks take the moment a search went out from it, and check
// that no NOTIFY was on the wire while a search was being answered (so "found" means found by the search).
// Run inside a lab host: node --import tsx multicast-tap.ts <host address> [port]
import { createSocket } from 'node:dgram';

const [address, portText] = process.argv.slice(2);
if (address === undefined) {
  process.stderr.write('usage: multicast-tap.ts <host address> [port]\n');
  process.exit(2);
}
const port = Number(portText ?? 1900);
const socket = createSocket({ type: 'udp4', reuseAddr: true });
socket.on('message', (bytes, remote) => {
  const kind =
    bytes.subarray(0, 8).toString('latin1') === 'M-SEARCH'
      ? 's'
      : bytes.subarray(0, 6).toString('latin1') === 'NOTIFY'
        ? 'n'
        : 'o';
  process.stdout.write(`{"k":"${kind}","at":${Date.now()},"a":"${remote.address}","p":${remote.port}}\n`);
});
socket.on('error', (error) => {
  process.stderr.write(`multicast-tap: ${error.message}\n`);
  process.exit(1);
});
socket.bind(port, () => {
  socket.addMembership('239.255.255.250', address);
  process.stdout.write(`{"k":"ready","at":${Date.now()},"a":"${address}","p":${port}}\n`);
});
process.on('SIGTERM', () => process.exit(0));
