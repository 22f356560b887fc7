// An SsdpTransport with no network: the benchmark hands datagrams to the controller as if one interface had
// received them (from any source address it likes, so 100,000 devices can each have their own), and sends go
// nowhere. The controller cannot tell it from the UDP transport; nothing is recorded, so the heap holds only
// what the controller keeps.
import type { Datagram, SsdpTransport, TransportInterface } from '@ssdp/transport';

export interface InjectedTransport extends SsdpTransport {
  deliver(bytes: Uint8Array, address: string, port?: number): void;
  readonly sent: number;
}

export function createInjectedTransport(): InjectedTransport {
  const iface: TransportInterface = {
    id: 'eth0/IPv4',
    name: 'eth0',
    family: 'IPv4',
    address: '10.0.0.1',
    netmask: '255.0.0.0',
    prefixLength: 8,
    broadcast: '10.255.255.255',
    internal: false,
    unicastPort: 50000,
  };
  const handlers = new Set<(datagram: Datagram) => void>();
  let sent = 0;
  return {
    interfaces: [iface],
    start: async () => undefined,
    stop: async () => undefined,
    onDatagram(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    onInterfacesChanged: () => () => undefined,
    onError: () => () => undefined,
    async send() {
      sent += 1;
    },
    deliver(bytes, address, port = 1900) {
      const datagram: Datagram = {
        bytes,
        remote: { address, port, family: 'IPv4' },
        interfaceId: iface.id,
        via: 'multicast',
      };
      for (const handler of handlers) handler(datagram);
    },
    get sent() {
      return sent;
    },
  };
}
