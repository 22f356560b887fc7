// The peer process: hosts real UDP transports inside a network namespace, driven over stdin/stdout JSON lines
// (see peer-protocol.ts). Started by createRemotePeer as `ip netns exec <ns> node --import tsx peer.ts`.
import dgram from 'node:dgram';
import { createInterface } from 'node:readline';
import { createUdpTransport, isTransportError, type SsdpTransport } from '@ssdp/transport';
import type { PeerMessage, PeerRequest, WireError } from './peer-protocol.ts';

const transports = new Map<number, SsdpTransport>();
const holders = new Map<string, dgram.Socket>();

function write(message: PeerMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function toWire(error: unknown): WireError {
  if (isTransportError(error)) {
    return {
      code: error.code,
      message: error.message,
      ...(error.details.hint === undefined ? {} : { hint: error.details.hint }),
      ...(error.details.errno === undefined ? {} : { errno: error.details.errno }),
    };
  }
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  return {
    code: 'SSDP_ERR_SOCKET',
    message: String((error as Error | undefined)?.message ?? error),
    ...(errno === undefined ? {} : { errno }),
  };
}

function transportOf(id: number): SsdpTransport {
  const transport = transports.get(id);
  if (transport === undefined) throw new Error(`no transport ${id}`);
  return transport;
}

async function handle(request: PeerRequest): Promise<PeerMessage> {
  switch (request.op) {
    case 'create': {
      const transport = createUdpTransport(request.init);
      transport.onDatagram((d) =>
        write({
          event: 'datagram',
          transport: request.transport,
          bytes: Buffer.from(d.bytes).toString('base64'),
          remote: d.remote,
          interfaceId: d.interfaceId,
          via: d.via,
        }),
      );
      transport.onInterfacesChanged((change) =>
        write({ event: 'interfaces', transport: request.transport, change, interfaces: transport.interfaces }),
      );
      transport.onError((error) => write({ event: 'error', transport: request.transport, error: toWire(error) }));
      transports.set(request.transport, transport);
      return { reply: request.id, ok: true };
    }
    case 'start': {
      const transport = transportOf(request.transport);
      await transport.start();
      return { reply: request.id, ok: true, interfaces: transport.interfaces };
    }
    case 'stop':
      await transportOf(request.transport).stop();
      return { reply: request.id, ok: true };
    case 'send':
      await transportOf(request.transport).send(Buffer.from(request.bytes, 'base64'), request.target);
      return { reply: request.id, ok: true };
    case 'occupy': {
      // A foreign program's socket: bound without SO_REUSEADDR.
      const socket = dgram.createSocket({ type: request.address.includes(':') ? 'udp6' : 'udp4', reuseAddr: false });
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(request.port, request.address, () => resolve());
      });
      holders.set(`${request.address}:${request.port}`, socket);
      return { reply: request.id, ok: true };
    }
    case 'release': {
      const key = `${request.address}:${request.port}`;
      const socket = holders.get(key);
      holders.delete(key);
      if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
      return { reply: request.id, ok: true };
    }
  }
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  let request: PeerRequest;
  try {
    request = JSON.parse(line) as PeerRequest;
  } catch {
    return;
  }
  handle(request).then(write, (error: unknown) => write({ reply: request.id, ok: false, error: toWire(error) }));
});
// The test process went away (or closed us): stop everything and leave.
lines.on('close', () => {
  void Promise.allSettled([...transports.values()].map((t) => t.stop())).then(() => process.exit(0));
});
write({ event: 'ready', pid: process.pid });
