/*
 * The real transport, on node:dgram.
 *
 * Socket design. Node's dgram does not report a datagram's destination address or arrival interface (no
 * IP_PKTINFO), so the layout of the sockets recovers both:
 *
 *   per bound interface (one address of one family on one network interface)
 *     unicast socket   bound to <interface address>:<unicastPort> (SSDP port for a device, so a unicast M-SEARCH
 *                      to ip:1900 works; 0 = ephemeral for a controller's search socket). Only datagrams sent to
 *                      that address arrive here, so they are `unicast` and the interface is known. Everything we
 *                      send leaves through it: multicast (IP_MULTICAST_IF set to this interface, TTL/hop limit 2,
 *                      loopback on), unicast replies and broadcasts. The source of what we send is therefore this
 *                      interface's address and port, which is where unicast answers come back to.
 *     IPv6 group       bound to [ff02::c%<name>]:<port> and joined on that interface. Binding a link-local
 *                      scoped address sets the socket's bound device in Linux, so this one is exact: `multicast`,
 *                      this interface.
 *     broadcast socket (legacy profile, IPv4) bound to <directed broadcast>:<port>, e.g. 192.168.0.255:1337.
 *                      Only broadcasts to that address arrive: `broadcast`, this interface.
 *   per family
 *     IPv4 group       one socket bound to 239.255.255.250:<port>, joined on every IPv4 interface. Binding the
 *                      group address makes Linux deliver only that group's datagrams to it, but IPv4 has no
 *                      scoped bind and Linux's IP_MULTICAST_ALL (on by default, not settable from Node) even
 *                      delivers the group from interfaces that another process joined. So the arrival interface
 *                      is the interface whose subnet holds the source address; a source on none of them goes to
 *                      the only IPv4 interface if there is exactly one, and is dropped otherwise.
 *     IPv6 FF05::C     (opt-in) one socket bound to [ff05::c]:<port>, joined on every IPv6 interface;
 *                      attributed by the `%scope` of a link-local source, else by subnet, as above.
 *
 * Every socket sets SO_REUSEADDR, so several processes of ours share 1900 (all receive each multicast; a unicast
 * datagram to a shared ip:port reaches only one of them, which is why a controller searches from an ephemeral
 * port). A foreign socket holding the port without SO_REUSEADDR makes bind fail: SSDP_ERR_PORT_IN_USE.
 *
 * Loopback: IPv4 multicast works on lo when both sides name 127.0.0.1 as the multicast interface (done here).
 * Linux's lo has no MULTICAST flag, so IPv6 multicast on lo fails with ENETUNREACH: such an interface is not
 * chosen for IPv6 (an explicit IPv6 request gets SSDP_ERR_ADDRESS_FAMILY_UNAVAILABLE). Directed broadcast works
 * on lo: 127.255.255.255 reaches a socket bound to 127.255.255.255.
 *
 * Receive buffer: every receiving socket requests `receiveBufferSize` (DEFAULT_RECEIVE_BUFFER_SIZE, receive-buffer.ts);
 * receive-sockets.ts keeps what the kernel granted each one and reads its kernel drops (kernel-drops.ts).
 * Addresses and targets are in udp-targets.ts, node:dgram plumbing in udp-sockets.ts.
 */
import type dgram from 'node:dgram';
import os from 'node:os';
import { SSDP_IPV4_GROUP, SSDP_IPV6_LINK_LOCAL_GROUP, SSDP_IPV6_SITE_LOCAL_GROUP, SSDP_PORT } from '@ssdp/protocol';
import { createSystemClock, type Clock, type TimerHandle } from '@ssdp/runtime';
import { TransportError, transportErrorFromErrno } from './errors.ts';
import { Listeners } from './listeners.ts';
import { checkReceiveBufferSize } from './receive-buffer.ts';
import { ReceiveSockets, type ReceiveSocketsComponents } from './receive-sockets.ts';
import { reconcileInterfaces } from './reconcile-interfaces.ts';
import {
  listAddresses,
  selectInterfaces,
  type InterfaceAddress,
  type NetworkInterfacesSnapshot,
} from './select-interfaces.ts';
import type {
  AddressFamily,
  Datagram,
  InterfacesChange,
  SendTarget,
  SsdpTransport,
  TransportInterface,
  TransportOptions,
  Unsubscribe,
  Via,
} from './transport.ts';
import { attributeArrival, multicastInterfaceOf, resolveTarget, scoped } from './udp-targets.ts';
import { closeQuietly, linuxMulticastCapable, openUdpSocket } from './udp-sockets.ts';

export { DEFAULT_RECEIVE_BUFFER_SIZE, RECEIVE_BUFFER_SIZE_MAX } from './receive-buffer.ts';
export const DEFAULT_MULTICAST_TTL = 2;
export const DEFAULT_INTERFACE_POLL_MS = 3000;

export interface UdpTransportComponents {
  readonly clock?: Clock;
  /** Source of interface snapshots; default os.networkInterfaces. */
  readonly networkInterfaces?: () => NetworkInterfacesSnapshot;
  /** Whether an interface can carry multicast of a family; default reads IFF_MULTICAST from /sys on Linux. */
  readonly multicastCapable?: (name: string, family: AddressFamily) => boolean;
  /** How receive buffers and kernel drops are read (tests inject /proc text); default: this process's sockets. */
  readonly receiveSockets?: ReceiveSocketsComponents;
}

interface InterfaceSockets {
  readonly iface: TransportInterface;
  readonly unicast: dgram.Socket;
  readonly group?: dgram.Socket;
  readonly broadcast?: dgram.Socket;
}

type State = 'idle' | 'starting' | 'started' | 'stopping' | 'stopped';

export function createUdpTransport(
  init: TransportOptions = {},
  components: UdpTransportComponents = {},
): SsdpTransport {
  const clock = components.clock ?? createSystemClock();
  const snapshot = components.networkInterfaces ?? (() => os.networkInterfaces() as NetworkInterfacesSnapshot);
  const multicastCapable = components.multicastCapable ?? linuxMulticastCapable;
  const port = init.port ?? SSDP_PORT;
  const unicastPort = init.unicastPort ?? port;
  const joinGroup = init.joinGroup ?? true;
  const ttl = init.multicastTtl ?? DEFAULT_MULTICAST_TTL;
  const loopback = init.multicastLoopback ?? true;
  const receiveSockets = new ReceiveSockets(checkReceiveBufferSize(init.receiveBufferSize), components.receiveSockets);
  const pollMs = init.interfacePollMs ?? DEFAULT_INTERFACE_POLL_MS;

  const datagrams = new Listeners<Datagram>();
  const changes = new Listeners<InterfacesChange>();
  const errors = new Listeners<TransportError>();
  const bound = new Map<string, InterfaceSockets>();
  const familyGroups = new Map<string, dgram.Socket>();
  const pending = new Set<Promise<void>>();
  let state: State = 'idle';
  let starting: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  let pollTimer: TimerHandle | undefined;
  let polling = false;
  /** Every address of this host (chosen or not), to recognise multicast from links we did not join. */
  let hostSubnets: readonly Pick<InterfaceAddress, 'family' | 'address' | 'prefixLength'>[] = [];

  const report = (error: unknown): void => {
    const typed =
      error instanceof TransportError
        ? error
        : new TransportError('SSDP_ERR_HANDLER_FAILED', `a handler threw: ${String(error)}`, { cause: error });
    errors.emit(typed, () => undefined);
  };

  function select(lenient: boolean): readonly InterfaceAddress[] {
    const current = snapshot();
    hostSubnets = listAddresses(current);
    const result = selectInterfaces(current, {
      ...(init.interfaces === undefined ? {} : { requested: init.interfaces }),
      ...(init.families === undefined ? {} : { families: init.families }),
      multicastCapable,
      lenient,
    });
    if (!result.ok) throw result.error;
    return result.interfaces;
  }

  function deliver(bytes: Buffer, rinfo: dgram.RemoteInfo, interfaceId: string, via: Via): void {
    if (state !== 'started') return;
    const datagram: Datagram = {
      bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      remote: { address: rinfo.address, port: rinfo.port, family: rinfo.family === 'IPv6' ? 'IPv6' : 'IPv4' },
      interfaceId,
      via,
    };
    datagrams.emit(datagram, report);
  }

  /** Opens a receiving socket and requests its receive buffer; `kind` and the bound address name it in reports. */
  async function openSocket(
    kind: 'unicast' | 'group' | 'broadcast',
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
  function closeSockets(sockets: readonly (dgram.Socket | undefined)[]): void {
    const open = sockets.filter((s): s is dgram.Socket => s !== undefined);
    receiveSockets.retire(open);
    for (const socket of open) closeQuietly(socket);
  }

  async function familyGroup(iface: TransportInterface, group: string): Promise<dgram.Socket> {
    const key = `${iface.family}/${group}`;
    const existing = familyGroups.get(key);
    if (existing !== undefined) return existing;
    const socket = await openSocket('group', iface.family, group, port, (bytes, rinfo) => {
      const candidates = [...bound.values()].map((s) => s.iface);
      const arrival = attributeArrival(candidates, hostSubnets, iface.family, rinfo.address);
      if (arrival !== undefined) deliver(bytes, rinfo, arrival.id, 'multicast');
    });
    familyGroups.set(key, socket);
    return socket;
  }

  async function bindInterface(address: InterfaceAddress): Promise<InterfaceSockets> {
    const opened: dgram.Socket[] = [];
    let iface: TransportInterface = { ...address, unicastPort };
    try {
      const unicastAddress = scoped(address.address, iface);
      const unicast = await openSocket(
        'unicast',
        address.family,
        unicastAddress,
        unicastPort,
        (bytes, rinfo) => deliver(bytes, rinfo, address.id, 'unicast'),
        address.id,
      );
      opened.push(unicast);
      iface = { ...address, unicastPort: unicast.address().port };
      const what = `configure multicast on ${address.name} (${address.address})`;
      try {
        unicast.setMulticastInterface(multicastInterfaceOf(iface));
        unicast.setMulticastTTL(ttl);
        unicast.setMulticastLoopback(loopback);
        if (address.family === 'IPv4') unicast.setBroadcast(true);
      } catch (error) {
        throw transportErrorFromErrno(error, what, { interfaceId: address.id });
      }

      let group: dgram.Socket | undefined;
      if (joinGroup) {
        const membership = multicastInterfaceOf(iface);
        const join = (socket: dgram.Socket, groupAddress: string): void => {
          try {
            socket.addMembership(groupAddress, membership);
          } catch (error) {
            throw transportErrorFromErrno(error, `join ${groupAddress} on ${address.name}`, {
              interfaceId: address.id,
            });
          }
        };
        if (address.family === 'IPv4') {
          join(await familyGroup(iface, SSDP_IPV4_GROUP), SSDP_IPV4_GROUP);
        } else {
          const groupAddress = `${SSDP_IPV6_LINK_LOCAL_GROUP}%${address.name}`;
          group = await openSocket(
            'group',
            'IPv6',
            groupAddress,
            port,
            (bytes, rinfo) => deliver(bytes, rinfo, address.id, 'multicast'),
            address.id,
          );
          opened.push(group);
          join(group, SSDP_IPV6_LINK_LOCAL_GROUP);
          if (init.ipv6SiteLocal === true)
            join(await familyGroup(iface, SSDP_IPV6_SITE_LOCAL_GROUP), SSDP_IPV6_SITE_LOCAL_GROUP);
        }
      }

      let broadcast: dgram.Socket | undefined;
      if (init.broadcast === true && address.family === 'IPv4' && address.broadcast !== undefined) {
        broadcast = await openSocket(
          'broadcast',
          'IPv4',
          address.broadcast,
          port,
          (bytes, rinfo) => deliver(bytes, rinfo, address.id, 'broadcast'),
          address.id,
        );
        opened.push(broadcast);
      }
      return {
        iface,
        unicast,
        ...(group === undefined ? {} : { group }),
        ...(broadcast === undefined ? {} : { broadcast }),
      };
    } catch (error) {
      closeSockets(opened);
      leaveFamilyGroups(iface);
      throw error;
    }
  }

  function leaveFamilyGroups(iface: TransportInterface): void {
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

  function unbindInterface(sockets: InterfaceSockets): void {
    leaveFamilyGroups(sockets.iface);
    closeSockets([sockets.unicast, sockets.group, sockets.broadcast]);
  }

  async function start(): Promise<void> {
    if (state === 'started') return;
    if (state === 'stopping' || state === 'stopped') {
      throw new TransportError('SSDP_ERR_TRANSPORT_STOPPED', 'this transport was stopped; create a new one');
    }
    if (starting !== undefined) return starting;
    state = 'starting';
    starting = (async () => {
      try {
        for (const address of select(false)) {
          bound.set(address.id, await bindInterface(address));
        }
        state = 'started';
        schedulePoll();
      } catch (error) {
        closeAll();
        state = 'idle';
        throw error instanceof TransportError ? error : transportErrorFromErrno(error, 'start');
      } finally {
        starting = undefined;
      }
    })();
    return starting;
  }

  function closeAll(): void {
    for (const sockets of bound.values()) leaveFamilyGroups(sockets.iface);
    closeSockets([...[...bound.values()].flatMap((s) => [s.unicast, s.group, s.broadcast]), ...familyGroups.values()]);
    bound.clear();
    familyGroups.clear();
  }

  async function stop(): Promise<void> {
    if (state === 'idle' || state === 'stopped') return;
    if (stopping !== undefined) return stopping;
    stopping = (async () => {
      if (starting !== undefined) await starting.catch(() => undefined);
      state = 'stopping';
      if (pollTimer !== undefined) clock.clearTimeout(pollTimer);
      pollTimer = undefined;
      await Promise.allSettled([...pending]);
      closeAll();
      state = 'stopped';
    })();
    return stopping;
  }

  function schedulePoll(): void {
    if (pollMs <= 0 || state !== 'started') return;
    pollTimer = clock.setTimeout(() => {
      pollTimer = undefined;
      void pollInterfaces().finally(schedulePoll);
    }, pollMs);
  }

  async function pollInterfaces(): Promise<void> {
    if (polling || state !== 'started') return;
    polling = true;
    try {
      let wanted: readonly InterfaceAddress[];
      try {
        wanted = select(true);
      } catch (error) {
        report(error);
        return;
      }
      const change = await reconcileInterfaces(bound, wanted, {
        bind: bindInterface,
        unbind: unbindInterface,
        running: () => state === 'started',
        report,
      });
      if (
        change !== undefined &&
        change.added.length + change.removed.length + change.changed.length > 0 &&
        state === 'started'
      ) {
        changes.emit(change, report);
      }
    } finally {
      polling = false;
    }
  }

  async function send(bytes: Uint8Array, target: SendTarget): Promise<void> {
    if (state !== 'started') {
      throw new TransportError(
        state === 'stopped' || state === 'stopping' ? 'SSDP_ERR_TRANSPORT_STOPPED' : 'SSDP_ERR_NOT_STARTED',
        `cannot send: the transport is ${state}`,
      );
    }
    const sockets = bound.get(target.interfaceId);
    if (sockets === undefined) {
      throw new TransportError('SSDP_ERR_UNKNOWN_INTERFACE', `no bound interface with id "${target.interfaceId}"`, {
        interfaceId: target.interfaceId,
      });
    }
    const { address, port: destinationPort } = resolveTarget(sockets.iface, target, port);
    const what = `send ${target.kind} to ${address}:${destinationPort} via ${sockets.iface.id}`;
    const sending = new Promise<void>((resolve, reject) => {
      try {
        sockets.unicast.send(bytes, destinationPort, address, (error) => {
          if (error)
            reject(
              transportErrorFromErrno(error, what, { interfaceId: sockets.iface.id, address, port: destinationPort }),
            );
          else resolve();
        });
      } catch (error) {
        reject(transportErrorFromErrno(error, what, { interfaceId: sockets.iface.id, address, port: destinationPort }));
      }
    });
    const tracked = sending.catch(() => undefined);
    pending.add(tracked);
    void tracked.finally(() => pending.delete(tracked));
    return sending;
  }

  return {
    start,
    stop,
    get interfaces() {
      return state === 'started' ? [...bound.values()].map((s) => s.iface) : [];
    },
    onDatagram: (handler): Unsubscribe => datagrams.add(handler),
    onInterfacesChanged: (handler): Unsubscribe => changes.add(handler),
    onError: (handler): Unsubscribe => errors.add(handler),
    send,
    receiveBuffer: () => receiveSockets.receiveBuffer(),
    kernelDrops: () => receiveSockets.kernelDrops(),
    kernelDropsBySocket: () => receiveSockets.bySocket(),
  };
}
