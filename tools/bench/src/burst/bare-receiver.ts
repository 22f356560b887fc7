// The yardstick of benchmark 5: a bare Node dgram socket that only counts. It asks for the same receive buffer we
// do, sends one M-SEARCH to the group from --address, and in its message callback only counts the datagram and
// keeps a reference to it (no parse, no copy). After --listen-ms it reads the devices out of what it kept (the
// UUID of each USN) and its kernel drops from /proc/net/udp, and prints one JSON line:
// {"sentAt", "datagrams", "devices", "receiveBuffer", "kernelDrops"}.
// Run: node --import tsx bare-receiver.ts --address 10.77.0.3 [--listen-ms 6000] [--recv-buffer 4194304]
import { createSocket } from 'node:dgram';
import { parseArgs } from 'node:util';
import { readUdpSocketTables, socketInode } from '@ssdp/transport';

const { values } = parseArgs({
  options: { address: { type: 'string' }, 'listen-ms': { type: 'string' }, 'recv-buffer': { type: 'string' } },
  strict: true,
});
if (values.address === undefined) throw new Error('--address is required');
const address = values.address;
const listenMs = Number(values['listen-ms'] ?? 6000);
const requested = Number(values['recv-buffer'] ?? 4 * 1024 * 1024);

const kept: Buffer[] = [];
let datagrams = 0;
const socket = createSocket('udp4');
socket.on('message', (message) => {
  datagrams += 1;
  kept.push(message);
});
await new Promise<void>((resolve) => socket.bind(0, address, resolve));
socket.setRecvBufferSize(requested);
socket.setMulticastInterface(address);
const search = Buffer.from(
  'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 5\r\nST: ssdp:all\r\nUSER-AGENT: Linux/6 UPnP/2.0 bare-counter/1\r\n\r\n',
);
const sentAt = Date.now();
socket.send(search, 1900, '239.255.255.250');

setTimeout(() => {
  const inode = socketInode(socket);
  let kernelDrops: number | null = null;
  if (inode !== undefined) {
    const row = readUdpSocketTables()?.get(inode);
    if (row !== undefined) kernelDrops = row.drops;
  }
  const granted = socket.getRecvBufferSize();
  socket.close();
  const devices = new Set<string>();
  for (const message of kept) {
    const text = message.toString('latin1');
    const match = /\r\nUSN: uuid:([0-9a-f-]{36})/i.exec(text);
    if (match !== null) devices.add(match[1]!.toLowerCase());
  }
  process.stdout.write(
    `${JSON.stringify({ sentAt, datagrams, devices: devices.size, receiveBuffer: { requested, granted }, kernelDrops })}\n`,
  );
}, listenMs);
