// The M-SEARCH of each interface and search target, built once and kept (UDA 1.1 §1.3.2; legacy: the prototype's
// order, as directed broadcast). The control point's UUID is made up at start (CPUUID.UPNP.ORG).
import { SSDP_IPV4_GROUP, createMSearch, serializeMessage } from '@ssdp/protocol';
import type { SendTarget, TransportInterface } from '@ssdp/transport';

export interface SearchMessagesInit {
  readonly profile: 'upnp' | 'legacy';
  readonly mx: number;
  readonly port: number;
  readonly broadcast?: string;
  readonly userAgent: string;
  readonly friendlyName?: string;
  readonly cpuuid: string;
}

export interface Search {
  readonly bytes: Uint8Array;
  readonly target: SendTarget;
}

export type SearchFor = (iface: TransportInterface, st: string) => Search | undefined;

/** The search for an interface (undefined where it cannot be sent: legacy without a broadcast address, warned once). */
export function createSearchMessages(init: SearchMessagesInit, log: (line: string) => void): SearchFor {
  const searchBytes = new Map<string, Uint8Array>();
  const warnedInterfaces = new Set<string>();

  /** The bytes of the search for `st` with this HOST, built on first use. */
  function bytesFor(host: string, st: string): Uint8Array {
    const key = `${host} ${st}`;
    let bytes = searchBytes.get(key);
    if (bytes === undefined) {
      const message = createMSearch({
        profile: init.profile,
        host,
        st,
        mx: init.mx,
        userAgent: init.userAgent,
        cpfn: init.friendlyName ?? 'ssdp-controller',
        cpuuid: init.cpuuid,
      });
      bytes = serializeMessage(message);
      searchBytes.set(key, bytes);
    }
    return bytes;
  }

  return function searchFor(iface, st) {
    if (init.profile === 'legacy') {
      const address = init.broadcast ?? iface.broadcast;
      if (iface.family !== 'IPv4' || address === undefined) {
        if (!warnedInterfaces.has(iface.id))
          log(`${iface.id} has no broadcast address; not searching there (use --broadcast)`);
        warnedInterfaces.add(iface.id);
        return undefined;
      }
      const bytes = bytesFor(`${address}:${init.port}`, st);
      return { bytes, target: { kind: 'broadcast', interfaceId: iface.id, address, port: init.port } };
    }
    const host = iface.family === 'IPv6' ? `[FF02::C]:${init.port}` : `${SSDP_IPV4_GROUP}:${init.port}`;
    return { bytes: bytesFor(host, st), target: { kind: 'multicast', interfaceId: iface.id } };
  };
}
