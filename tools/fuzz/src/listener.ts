// A passive listener run inside a lab host (`node --import tsx listener.ts <address>`): joins the SSDP group on
// the interface of <address> and prints one NDJSON line per NOTIFY heard: {"event":"notify", "at", "nts",
// "usn", "nt", "bootId", "from"}. Used to count byebyes at shutdown and announcements under faults.
import dgram from 'node:dgram';
import { parseMessageView } from '@ssdp/protocol';

const address = process.argv[2];
if (address === undefined) {
  process.stderr.write('usage: listener.ts <interface address>\n');
  process.exit(2);
}
const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
socket.on('message', (bytes, remote) => {
  const parsed = parseMessageView(bytes); // the lazy view: only four raw header reads per datagram
  if (!parsed.ok || !parsed.message.kind.startsWith('notify')) return;
  const message = parsed.message;
  process.stdout.write(
    `${JSON.stringify({ event: 'notify', at: Date.now(), nts: message.header('NTS'), usn: message.header('USN'), nt: message.header('NT'), bootId: message.header('BOOTID.UPNP.ORG'), from: remote.address })}\n`,
  );
});
socket.bind({ address: '239.255.255.250', port: 1900 }, () => {
  socket.addMembership('239.255.255.250', address);
  process.stdout.write(`${JSON.stringify({ event: 'listening', at: Date.now() })}\n`);
});
process.on('SIGTERM', () => {
  socket.close();
  process.exit(0);
});
