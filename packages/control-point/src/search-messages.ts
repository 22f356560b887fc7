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

export type SearchFor = (
  iface: TransportInterface,
  st: string,
) => { bytes: Uint8Array; target: SendTarget } | undefined;

export function uuidV4(random: () => number): string {
  const hex: string[] = [];
  for (let i = 0; i < 32; i += 1) hex.push(Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = (8 + (parseInt(hex[16]!, 16) & 3)).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** The search for an interface (undefined where it cannot be sent: legacy without a broadcast address, warned once). */
export function createSearchMessages(init: SearchMessagesInit, log: (line: string) => void): SearchFor {
  const { cpuuid } = init;
  const searchBytes = new Map<string, Uint8Array>();
  const warnedInterfaces = new Set<string>();
  return function searchFor(
    iface: TransportInterface,
    st: string,
  ): { bytes: Uint8Array; target: SendTarget } | undefined {
    if (init.profile === 'legacy') {
      const address = init.broadcast ?? iface.broadcast;
      if (iface.family !== 'IPv4' || address === undefined) {
        if (!warnedInterfaces.has(iface.id))
          log(`${iface.id} has no broadcast address; not searching there (use --broadcast)`);
        warnedInterfaces.add(iface.id);
        return undefined;
      }
      const key = `legacy ${address} ${st}`;
      let bytes = searchBytes.get(key);
      if (bytes === undefined) {
        const message = createMSearch({
          profile: 'legacy',
          host: `${address}:${init.port}`,
          st,
          mx: init.mx,
          userAgent: init.userAgent,
          cpfn: init.friendlyName ?? 'ssdp-controller',
          cpuuid,
        });
        bytes = serializeMessage(message);
        searchBytes.set(key, bytes);
      }
      return { bytes, target: { kind: 'broadcast', interfaceId: iface.id, address, port: init.port } };
    }
    const key = `${iface.family} ${st}`;
    let bytes = searchBytes.get(key);
    if (bytes === undefined) {
      const host = iface.family === 'IPv6' ? `[FF02::C]:${init.port}` : `${SSDP_IPV4_GROUP}:${init.port}`;
      const message = createMSearch({
        host,
        st,
        mx: init.mx,
        userAgent: init.userAgent,
        cpfn: init.friendlyName ?? 'ssdp-controller',
        cpuuid,
      });
      bytes = serializeMessage(message);
      searchBytes.set(key, bytes);
    }
    return { bytes, target: { kind: 'multicast', interfaceId: iface.id } };
  };
}
