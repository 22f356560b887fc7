// Where each interface serves the description: the HTTP port the description server got there, the LOCATION a
// member advertises on it, and what to do when an interface comes or goes.
import type { TransportInterface } from '@ssdp/transport';
import { createDescriptionHandler, type DescriptionServer } from './description-server.ts';
import type { FleetMember } from './fleet.ts';

export interface DescriptionEndpoints {
  /** Listens on the interface's address and remembers the port. Rejects with DescriptionServerError. */
  serve(iface: TransportInterface): Promise<void>;
  /** Forgets the interface; stops listening on its address unless another current interface still has it. */
  forget(iface: TransportInterface, current: readonly TransportInterface[]): Promise<void>;
  /** The HTTP port on this interface, once served. */
  port(iface: TransportInterface): number | undefined;
  /** The member's LOCATION on this interface, once served. */
  location(iface: TransportInterface, member: FleetMember): string | undefined;
}

export function createDescriptionEndpoints(
  server: DescriptionServer,
  documents: (path: string) => string | undefined,
): DescriptionEndpoints {
  const ports = new Map<string, number>();
  return {
    async serve(iface) {
      const httpPort = await server.listen(
        {
          address: iface.address,
          family: iface.family,
          name: iface.name,
          ...(iface.scopeId === undefined ? {} : { scopeId: iface.scopeId }),
        },
        createDescriptionHandler(documents),
      );
      ports.set(iface.id, httpPort);
    },
    async forget(iface, current) {
      ports.delete(iface.id);
      if (!current.some((other) => other.address === iface.address)) await server.unlisten(iface.address);
    },
    port: (iface) => ports.get(iface.id),
    location(iface, member) {
      const httpPort = ports.get(iface.id);
      if (httpPort === undefined) return undefined;
      const host = iface.family === 'IPv6' ? `[${iface.address}]` : iface.address;
      return `http://${host}:${httpPort}${member.path}`;
    },
  };
}
