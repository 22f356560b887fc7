// The datagrams this device sends, built with protocol's constructors and serializer, per profile:
// upnp (UDA 1.1/2.0) or legacy (the prototype's header order, no final CRLF, broadcast HOST).
import {
  MAX_PORT,
  MIN_DYNAMIC_PORT,
  SSDP_IPV4_GROUP,
  SSDP_IPV6_LINK_LOCAL_GROUP,
  SSDP_PORT,
  createNotifyAlive,
  createNotifyByeBye,
  createNotifyUpdate,
  createSearchResponse,
  formatHost,
  serializeMessage,
  type Advertisement,
  type SearchMatch,
} from '@ssdp/protocol';
import type { SendTarget, TransportInterface } from '@ssdp/transport';
import type { DeviceContext } from './device-context.ts';

/** SEARCHPORT.UPNP.ORG: only when we listen for unicast searches on a port other than 1900, in its valid range. */
function searchPort(context: DeviceContext): number | undefined {
  if (context.profile !== 'upnp' || context.port === SSDP_PORT) return undefined;
  return context.port >= MIN_DYNAMIC_PORT && context.port <= MAX_PORT ? context.port : undefined;
}

/** Legacy: the broadcast address announcements go to on this interface (undefined when it has none). */
export function legacyBroadcastOf(context: DeviceContext, iface: TransportInterface): string | undefined {
  if (iface.family !== 'IPv4') return undefined;
  return context.broadcastAddress ?? iface.broadcast;
}

/** Where a NOTIFY goes on this interface; undefined when the profile cannot announce there. */
export function notifyTarget(context: DeviceContext, iface: TransportInterface): SendTarget | undefined {
  if (context.profile === 'upnp') return { kind: 'multicast', interfaceId: iface.id };
  const address = legacyBroadcastOf(context, iface);
  return address === undefined ? undefined : { kind: 'broadcast', interfaceId: iface.id, address, port: context.port };
}

/** The HOST header of a NOTIFY on this interface. */
function notifyHost(context: DeviceContext, iface: TransportInterface): string {
  if (context.profile === 'legacy') {
    return formatHost({ hostname: legacyBroadcastOf(context, iface) ?? iface.address, port: context.port });
  }
  const group = iface.family === 'IPv4' ? SSDP_IPV4_GROUP : SSDP_IPV6_LINK_LOCAL_GROUP.toUpperCase();
  return formatHost({ hostname: group, port: context.port });
}

export function buildAlive(
  context: DeviceContext,
  iface: TransportInterface,
  location: string,
  configId: number,
  ad: Advertisement,
): Uint8Array {
  const port = searchPort(context);
  return serializeMessage(
    createNotifyAlive({
      profile: context.profile,
      host: notifyHost(context, iface),
      maxAge: context.maxAge,
      location,
      nt: ad.nt,
      server: context.server,
      usn: ad.usn,
      bootId: context.bootId(),
      configId,
      ...(port === undefined ? {} : { searchPort: port }),
    }),
  );
}

export function buildByeBye(
  context: DeviceContext,
  iface: TransportInterface,
  configId: number,
  ad: Advertisement,
): Uint8Array {
  return serializeMessage(
    createNotifyByeBye({
      profile: context.profile,
      host: notifyHost(context, iface),
      nt: ad.nt,
      usn: ad.usn,
      bootId: context.bootId(),
      configId,
    }),
  );
}

export function buildUpdate(
  context: DeviceContext,
  iface: TransportInterface,
  location: string,
  configId: number,
  ad: Advertisement,
  nextBootId: number,
): Uint8Array {
  const port = searchPort(context);
  return serializeMessage(
    createNotifyUpdate({
      profile: context.profile,
      host: notifyHost(context, iface),
      location,
      nt: ad.nt,
      usn: ad.usn,
      bootId: context.bootId(),
      configId,
      nextBootId,
      ...(port === undefined ? {} : { searchPort: port }),
    }),
  );
}

/**
 * The answer to one search: `HTTP/1.1 200 OK` (upnp), or the prototype's unicast `NOTIFY ssdp:alive` in its
 * header order (legacy), whose NT is what matched.
 */
export function buildAnswer(
  context: DeviceContext,
  iface: TransportInterface,
  location: string,
  configId: number,
  match: SearchMatch,
  now: number = context.clock.now(),
): Uint8Array {
  if (context.profile === 'legacy') {
    return buildAlive(context, iface, location, configId, { nt: match.st, usn: match.usn });
  }
  const port = searchPort(context);
  return serializeMessage(
    createSearchResponse({
      st: match.st,
      usn: match.usn,
      location,
      maxAge: context.maxAge,
      date: now,
      server: context.server,
      bootId: context.bootId(),
      configId,
      ...(port === undefined ? {} : { searchPort: port }),
    }),
  );
}
