/*
 * Binding one interface: its unicast socket (which also sends), its group memberships and its broadcast socket.
 * The per-family group sockets are shared by every interface of the family and live here until closeAll.
 */
import type dgram from 'node:dgram';
import { SSDP_IPV4_GROUP, SSDP_IPV6_LINK_LOCAL_GROUP, SSDP_IPV6_SITE_LOCAL_GROUP } from '@ssdp/protocol';
import { TransportError, transportErrorFromErrno } from './errors.ts';
import type { ReceiveSockets } from './receive-sockets.ts';
import type { InterfaceAddress } from './select-interfaces.ts';
import type { AddressFamily, Datagram, TransportInterface, Via } from './transport.ts';
import { multicastInterfaceOf, scoped } from './udp-targets.ts';
import { closeQuietly, openUdpSocket } from './udp-sockets.ts';
import { openWorkerUnicast } from './udp-worker-unicast.ts';
import { WorkerUnavailableError, type WorkerReader } from './worker-reader.ts';

/** What we do with a unicast socket: a dgram.Socket, or one on the reader thread (udp-worker-unicast.ts). */
export interface UnicastSocket {
  send(bytes: Uint8Array, port: number, address: string, callback: (error: Error | null) => void): void;
  close(): void;
}

export interface InterfaceSockets {
  readonly iface: TransportInterface;
  readonly unicast: UnicastSocket;
  readonly group?: dgram.Socket;
  readonly broadcast?: dgram.Socket;
}

export interface UdpBinderOptions {
  readonly port: number;
  readonly unicastPort: number;
  readonly joinGroup: boolean;
  readonly ttl: number;
  readonly loopback: boolean;
  readonly ipv6SiteLocal: boolean;
  readonly broadcast: boolean;
  readonly receiveSockets: ReceiveSockets;
  readonly report: (error: unknown) => void;
  readonly deliver: (datagram: Datagram) => void;
  /** Open unicast sockets on this reader thread (udp-worker-unicast.ts) instead of the event loop. */
  readonly reader?: WorkerReader;
  /** The bound interface a family-group datagram from `source` arrived on, if any. */
  readonly arrivalOf: (family: AddressFamily, source: string) => TransportInterface | undefined;
}

export interface UdpBinder {
  bind(address: InterfaceAddress): Promise<InterfaceSockets>;
  unbind(sockets: InterfaceSockets): void;
  closeAll(bound: Iterable<InterfaceSockets>): void;
}

type Kind = 'unicast' | 'group' | 'broadcast';

function toDatagram(bytes: Buffer, rinfo: dgram.RemoteInfo, interfaceId: string, via: Via): Datagram {
  return {
    bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    remote: { address: rinfo.address, port: rinfo.port, family: rinfo.family === 'IPv6' ? 'IPv6' : 'IPv4' },
    interfaceId,
    via,
  };
}

/** Opens a receiving socket and requests its receive buffer; `kind` and the bound address name it in reports. */
async function openSocket(
  receiveSockets: ReceiveSockets,
  report: (error: unknown) => void,
  kind: Kind,
  family: AddressFamily,
  address: string,
  bindPort: number,
  onMessage: (bytes: Buffer, rinfo: dgram.RemoteInfo) => void,
  interfaceId?: string,
): Promise<dgram.Socket> {
  const shown = family === 'IPv6' ? `[${address}]` : address;
  const socket = await openUdpSocket({
    family,
    address,
    port: bindPort,
    what: `bind ${shown}:${bindPort}`,
    onMessage,
    onError: report,
  });
  receiveSockets.add(socket, `${kind} ${shown}:${socket.address().port}`, interfaceId);
  return socket;
}

/** Closes sockets, reading their last kernel drops first. */
function closeSockets(receiveSockets: ReceiveSockets, sockets: readonly (UnicastSocket | undefined)[]): void {
  const open = sockets.filter((s): s is UnicastSocket => s !== undefined);
  receiveSockets.retire(open);
  for (const socket of open) closeQuietly(socket);
}

function leaveFamilyGroups(familyGroups: ReadonlyMap<string, dgram.Socket>, iface: TransportInterface): void {
  for (const [key, socket] of familyGroups) {
    if (!key.startsWith(`${iface.family}/`)) continue;
    const groupAddress = key.slice(iface.family.length + 1);
    try {
      socket.dropMembership(groupAddress, multicastInterfaceOf(iface));
    } catch {
      // Not joined, or the address is already gone (the kernel dropped the membership with it).
    }
  }
}

function configureMulticast(unicast: dgram.Socket, iface: TransportInterface, ttl: number, loopback: boolean): void {
  try {
    unicast.setMulticastInterface(multicastInterfaceOf(iface));
    unicast.setMulticastTTL(ttl);
    unicast.setMulticastLoopback(loopback);
    if (iface.family === 'IPv4') unicast.setBroadcast(true);
  } catch (error) {
    const what = `configure multicast on ${iface.name} (${iface.address})`;
    throw transportErrorFromErrno(error, what, { interfaceId: iface.id });
  }
}

export function createUdpBinder(options: UdpBinderOptions): UdpBinder {
  const { port, unicastPort, receiveSockets } = options;
  const familyGroups = new Map<string, dgram.Socket>();
  let workerRefused = false;

  /** Opens a socket that delivers everything it receives as arriving on `address` by `via`. */
  const openFor = (kind: Kind, address: InterfaceAddress, bindAddress: string, bindPort: number, via: Via) =>
    openSocket(
      receiveSockets,
      options.report,
      kind,
      address.family,
      bindAddress,
      bindPort,
      (bytes, rinfo) => options.deliver(toDatagram(bytes, rinfo, address.id, via)),
      address.id,
    );

  async function familyGroup(iface: TransportInterface, group: string): Promise<dgram.Socket> {
    const key = `${iface.family}/${group}`;
    const existing = familyGroups.get(key);
    if (existing !== undefined) return existing;
    const socket = await openSocket(
      receiveSockets,
      options.report,
      'group',
      iface.family,
      group,
      port,
      (bytes, rinfo) => {
        const arrival = options.arrivalOf(iface.family, rinfo.address);
        if (arrival !== undefined) options.deliver(toDatagram(bytes, rinfo, arrival.id, 'multicast'));
      },
    );
    familyGroups.set(key, socket);
    return socket;
  }

  /** Joins the SSDP groups on `iface`; returns the interface's own IPv6 link-local group socket, if opened. */
  async function joinGroups(iface: TransportInterface, opened: UnicastSocket[]): Promise<dgram.Socket | undefined> {
    const membership = multicastInterfaceOf(iface);
    const join = (socket: dgram.Socket, groupAddress: string): void => {
      try {
        socket.addMembership(groupAddress, membership);
      } catch (error) {
        throw transportErrorFromErrno(error, `join ${groupAddress} on ${iface.name}`, { interfaceId: iface.id });
      }
    };
    if (iface.family === 'IPv4') {
      join(await familyGroup(iface, SSDP_IPV4_GROUP), SSDP_IPV4_GROUP);
      return undefined;
    }
    const group = await openFor('group', iface, `${SSDP_IPV6_LINK_LOCAL_GROUP}%${iface.name}`, port, 'multicast');
    opened.push(group);
    join(group, SSDP_IPV6_LINK_LOCAL_GROUP);
    if (options.ipv6SiteLocal) join(await familyGroup(iface, SSDP_IPV6_SITE_LOCAL_GROUP), SSDP_IPV6_SITE_LOCAL_GROUP);
    return group;
  }

  /** The interface's unicast socket, bound and configured for sending multicast. */
  async function openUnicast(address: InterfaceAddress, iface: TransportInterface, opened: UnicastSocket[]) {
    const bindAddress = scoped(address.address, iface);
    if (options.reader !== undefined && !workerRefused) {
      const { reader, ttl, loopback, report, deliver } = options;
      const init = { reader, receiveSockets, ttl, loopback, report, deliver };
      try {
        const socket = await openWorkerUnicast(init, address, bindAddress, unicastPort);
        opened.push(socket);
        return { unicast: socket, port: socket.port };
      } catch (error) {
        if (!(error instanceof WorkerUnavailableError)) throw error;
        workerRefused = true; // Node refused a worker (its permission model): read on the event loop instead
        report(new TransportError('SSDP_ERR_SOCKET', `${error.message}: reading on the event loop`, { cause: error }));
      }
    }
    const unicast = await openFor('unicast', address, bindAddress, unicastPort, 'unicast');
    opened.push(unicast);
    const port = unicast.address().port;
    configureMulticast(unicast, { ...address, unicastPort: port }, options.ttl, options.loopback);
    return { unicast, port };
  }

  async function bind(address: InterfaceAddress): Promise<InterfaceSockets> {
    const opened: UnicastSocket[] = [];
    let iface: TransportInterface = { ...address, unicastPort };
    try {
      const { unicast, port: boundPort } = await openUnicast(address, iface, opened);
      iface = { ...address, unicastPort: boundPort };
      const group = options.joinGroup ? await joinGroups(iface, opened) : undefined;
      let broadcast: dgram.Socket | undefined;
      if (options.broadcast && address.family === 'IPv4' && address.broadcast !== undefined) {
        broadcast = await openFor('broadcast', address, address.broadcast, port, 'broadcast');
        opened.push(broadcast);
      }
      return {
        iface,
        unicast,
        ...(group === undefined ? {} : { group }),
        ...(broadcast === undefined ? {} : { broadcast }),
      };
    } catch (error) {
      closeSockets(receiveSockets, opened);
      leaveFamilyGroups(familyGroups, iface);
      throw error;
    }
  }

  return {
    bind,
    unbind(sockets) {
      leaveFamilyGroups(familyGroups, sockets.iface);
      closeSockets(receiveSockets, [sockets.unicast, sockets.group, sockets.broadcast]);
    },
    closeAll(bound) {
      const all = [...bound];
      for (const sockets of all) leaveFamilyGroups(familyGroups, sockets.iface);
      closeSockets(receiveSockets, [
        ...all.flatMap((s) => [s.unicast, s.group, s.broadcast]),
        ...familyGroups.values(),
      ]);
      familyGroups.clear();
    },
  };
}
