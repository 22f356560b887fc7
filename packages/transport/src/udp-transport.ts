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
 * Where a target goes is send-target.ts (shared with the memory transport), scoped addresses and arrival in
 * udp-targets.ts, node:dgram plumbing in udp-sockets.ts, binding an interface's sockets in udp-bind.ts, sending
 * in udp-send.ts.
 */
import os from 'node:os';
import { SSDP_PORT } from '@ssdp/protocol';
import { createSystemClock, type Clock } from '@ssdp/runtime';
import { TransportError, transportErrorFromErrno } from './errors.ts';
import { Listeners } from './listeners.ts';
import { checkReceiveBufferSize } from './receive-buffer.ts';
import { ReceiveSockets, type ReceiveSocketsComponents } from './receive-sockets.ts';
import { reconcileInterfaces } from './reconcile-interfaces.ts';
import { listAddresses, type InterfaceAddress, type NetworkInterfacesSnapshot } from './select-interfaces.ts';
import type {
  AddressFamily,
  Datagram,
  InterfacesChange,
  SendTarget,
  SsdpTransport,
  TransportOptions,
  Unsubscribe,
} from './transport.ts';
import { createUdpBinder, type InterfaceSockets, type UdpBinder } from './udp-bind.ts';
import { sendFrom, tracked } from './udp-send.ts';
import { attributeArrival } from './udp-targets.ts';
import { asTransportError, selectRequested, sendRefusal, unknownInterface } from './transport-parts.ts';
import { createInterfacePoller } from './interface-poller.ts';
import { linuxMulticastCapable } from './udp-sockets.ts';
import { checkReaderRingBytes, createReaderThread } from './udp-worker-unicast.ts';

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

type State = 'idle' | 'starting' | 'started' | 'stopping' | 'stopped';

function bindSettings(init: TransportOptions, port: number) {
  return {
    port,
    unicastPort: init.unicastPort ?? port,
    joinGroup: init.joinGroup ?? true,
    ttl: init.multicastTtl ?? DEFAULT_MULTICAST_TTL,
    loopback: init.multicastLoopback ?? true,
    ipv6SiteLocal: init.ipv6SiteLocal === true,
    broadcast: init.broadcast === true,
  };
}

/** One interface poll: re-selects, rebinds what changed and reports a non-empty change while still running. */
async function pollOnce(
  select: () => readonly InterfaceAddress[],
  bound: Map<string, InterfaceSockets>,
  binder: UdpBinder,
  running: () => boolean,
  report: (error: unknown) => void,
  emit: (change: InterfacesChange) => void,
): Promise<void> {
  let wanted: readonly InterfaceAddress[];
  try {
    wanted = select();
  } catch (error) {
    report(error);
    return;
  }
  const change = await reconcileInterfaces(bound, wanted, {
    bind: binder.bind,
    unbind: binder.unbind,
    running,
    report,
  });
  if (change !== undefined && change.added.length + change.removed.length + change.changed.length > 0 && running()) {
    emit(change);
  }
}

export function createUdpTransport(
  init: TransportOptions = {},
  components: UdpTransportComponents = {},
): SsdpTransport {
  const clock = components.clock ?? createSystemClock();
  const snapshot = components.networkInterfaces ?? (() => os.networkInterfaces() as NetworkInterfacesSnapshot);
  const multicastCapable = components.multicastCapable ?? linuxMulticastCapable;
  const port = init.port ?? SSDP_PORT;
  const receiveSockets = new ReceiveSockets(checkReceiveBufferSize(init.receiveBufferSize), components.receiveSockets);
  const pollMs = init.interfacePollMs ?? DEFAULT_INTERFACE_POLL_MS;

  const datagrams = new Listeners<Datagram>();
  const changes = new Listeners<InterfacesChange>();
  const errors = new Listeners<TransportError>();
  const bound = new Map<string, InterfaceSockets>();
  const pending = new Set<Promise<void>>();
  let state: State = 'idle';
  let starting: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  /** Every address of this host (chosen or not), to recognise multicast from links we did not join. */
  let hostSubnets: readonly Pick<InterfaceAddress, 'family' | 'address' | 'prefixLength'>[] = [];

  const running = (): boolean => state === 'started';
  const boundInterfaces = () => [...bound.values()].map((s) => s.iface);
  const report = (error: unknown): void => errors.emit(asTransportError(error), () => undefined);

  function select(lenient: boolean): readonly InterfaceAddress[] {
    const current = snapshot();
    hostSubnets = listAddresses(current);
    return selectRequested(init, current, multicastCapable, lenient);
  }

  const ringBytes = checkReaderRingBytes(init.readerRingBytes);
  const reader = init.readInWorker === true ? createReaderThread(ringBytes, clock, report) : undefined;
  const binder = createUdpBinder({
    ...bindSettings(init, port),
    receiveSockets,
    report,
    deliver: (datagram) => {
      if (state === 'started') datagrams.emit(datagram, report);
    },
    ...(reader === undefined ? {} : { reader }),
    arrivalOf: (family, source) => attributeArrival(boundInterfaces(), hostSubnets, family, source),
  });

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
          bound.set(address.id, await binder.bind(address));
        }
        state = 'started';
        poller.schedule();
      } catch (error) {
        void closeAll(false);
        state = 'idle';
        throw error instanceof TransportError ? error : transportErrorFromErrno(error, 'start');
      } finally {
        starting = undefined;
      }
    })();
    return starting;
  }

  /**
   * Closes every socket; `final` (stop) ends the reader thread for good, and resolves once it has ended (its
   * sockets closed), else (a failed start) it may start again.
   */
  async function closeAll(final: boolean): Promise<void> {
    binder.closeAll(bound.values());
    bound.clear();
    if (final) await reader?.close();
    else reader?.reset();
  }

  async function stop(): Promise<void> {
    if (state === 'idle' || state === 'stopped') return;
    if (stopping !== undefined) return stopping;
    stopping = (async () => {
      if (starting !== undefined) await starting.catch(() => undefined);
      state = 'stopping';
      poller.cancel();
      await Promise.allSettled([...pending]);
      await closeAll(true);
      state = 'stopped';
    })();
    return stopping;
  }

  const emitChange = (change: InterfacesChange): void => changes.emit(change, report);
  const pollInterfaces = () => pollOnce(() => select(true), bound, binder, running, report, emitChange);
  const poller = createInterfacePoller(clock, pollMs, running, pollInterfaces);

  async function send(bytes: Uint8Array, target: SendTarget): Promise<void> {
    if (state !== 'started') throw sendRefusal(state);
    const sockets = bound.get(target.interfaceId);
    if (sockets === undefined) throw unknownInterface(target.interfaceId);
    const sending = sendFrom(sockets, bytes, target, port);
    return tracked(pending, sending);
  }

  return {
    start,
    stop,
    get interfaces() {
      return running() ? boundInterfaces() : [];
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
