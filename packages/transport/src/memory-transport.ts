// SsdpTransport on a MemoryNetwork host, with the same socket layout (and so the same Datagram view) as the UDP
// transport: a unicast endpoint per interface, group and broadcast endpoints, SO_REUSEADDR-like sharing.
import { SSDP_IPV4_GROUP, SSDP_IPV6_LINK_LOCAL_GROUP, SSDP_IPV6_SITE_LOCAL_GROUP, SSDP_PORT } from '@ssdp/protocol';
import { TransportError } from './errors.ts';
import { Listeners } from './listeners.ts';
import type { MemoryHost } from './memory-host.ts';
import type { MemoryNetwork } from './memory-network.ts';
import type { Binding, MemoryPacket } from './memory-network-types.ts';
import { checkReceiveBufferSize, summarizeReceiveBuffers } from './receive-buffer.ts';
import { type InterfaceAddress } from './select-interfaces.ts';
import { memoryVia } from './memory-targets.ts';
import { resolveSendTarget } from './send-target.ts';
import { asTransportError, selectRequested, sendRefusal, unknownInterface } from './transport-parts.ts';
import type {
  AddressFamily,
  Datagram,
  InterfacesChange,
  ReceiveBufferReport,
  SendTarget,
  SocketKernelDrops,
  SsdpTransport,
  TransportInterface,
  TransportOptions,
  Unsubscribe,
} from './transport.ts';

export interface MemoryTransportComponents {
  readonly network: MemoryNetwork;
  /** The host this transport runs on (or its name in `network`). */
  readonly host: MemoryHost | string;
}

interface Bound {
  readonly iface: TransportInterface;
  /** Each with what the reports call it: `unicast 10.0.0.2:1900`. */
  readonly bindings: { readonly binding: Binding; readonly label: string }[];
}

type State = 'idle' | 'started' | 'stopped';

function receiveBufferOf(
  bound: ReadonlyMap<string, Bound>,
  receiveBufferSize: number,
): ReceiveBufferReport | undefined {
  const sockets = [...bound.values()].flatMap((b) =>
    b.bindings.map(({ label }) => ({
      socket: label,
      interfaceId: b.iface.id,
      granted: receiveBufferSize,
      clamped: false,
    })),
  );
  return summarizeReceiveBuffers(receiveBufferSize, sockets, undefined);
}

function kernelDropsOf(bound: ReadonlyMap<string, Bound>): readonly SocketKernelDrops[] {
  return [...bound.values()].flatMap((b) =>
    b.bindings.map(({ binding, label }) => ({
      socket: label,
      interfaceId: b.iface.id,
      inode: undefined,
      drops: binding.drops,
    })),
  );
}

/** Mirrors the UDP transport's interface poll, but runs at once when the host changes. */
function reselectBound(
  bound: Map<string, Bound>,
  wanted: readonly InterfaceAddress[],
  bindInterface: (address: InterfaceAddress) => Bound,
  unbind: (entry: Bound) => void,
  report: (error: unknown) => void,
): InterfacesChange {
  const added: TransportInterface[] = [];
  const removed: TransportInterface[] = [];
  const changed: { previous: TransportInterface; current: TransportInterface }[] = [];
  for (const [id, entry] of [...bound]) {
    const next = wanted.find((w) => w.id === id);
    if (next !== undefined && next.address === entry.iface.address && next.prefixLength === entry.iface.prefixLength)
      continue;
    unbind(entry);
    bound.delete(id);
    if (next === undefined) {
      removed.push(entry.iface);
      continue;
    }
    try {
      const rebound = bindInterface(next);
      bound.set(id, rebound);
      changed.push({ previous: entry.iface, current: rebound.iface });
    } catch (error) {
      report(error);
      removed.push(entry.iface);
    }
  }
  for (const next of wanted) {
    if (bound.has(next.id) || changed.some((c) => c.current.id === next.id)) continue;
    try {
      const fresh = bindInterface(next);
      bound.set(next.id, fresh);
      added.push(fresh.iface);
    } catch (error) {
      report(error);
    }
  }
  return { added, removed, changed };
}

interface BindSettings {
  readonly port: number;
  readonly unicastPort: number;
  readonly joinGroup: boolean;
  readonly ipv6SiteLocal: boolean;
  readonly broadcast: boolean;
}

/** Binds `address`'s unicast, group and broadcast endpoints on `host`, all delivering to `receive`. */
function bindOn(
  host: MemoryHost,
  address: InterfaceAddress,
  settings: BindSettings,
  receive: (packet: MemoryPacket) => void,
): Bound {
  const { port, unicastPort } = settings;
  const bindings: { binding: Binding; label: string }[] = [];
  const shown = (a: string): string => (a.includes(':') ? `[${a}]` : a);
  try {
    const unicast = host.bind(
      { kind: 'unicast', family: address.family, address: address.address, port: unicastPort, reuse: true },
      receive,
    );
    bindings.push({ binding: unicast, label: `unicast ${shown(address.address)}:${unicast.port}` });
    const iface: TransportInterface = { ...address, unicastPort: unicast.port };
    if (settings.joinGroup) {
      const groups: string[] =
        address.family === 'IPv4'
          ? [SSDP_IPV4_GROUP]
          : [SSDP_IPV6_LINK_LOCAL_GROUP, ...(settings.ipv6SiteLocal ? [SSDP_IPV6_SITE_LOCAL_GROUP] : [])];
      for (const group of groups) {
        const binding = host.bind({ kind: 'group', interfaceName: address.name, group, port }, receive);
        bindings.push({ binding, label: `group ${shown(group)}:${port}` });
      }
    }
    if (settings.broadcast && address.broadcast !== undefined) {
      const binding = host.bind(
        { kind: 'broadcast', interfaceName: address.name, address: address.broadcast, port },
        receive,
      );
      bindings.push({ binding, label: `broadcast ${address.broadcast}:${port}` });
    }
    return { iface, bindings };
  } catch (error) {
    for (const { binding } of bindings) binding.close();
    throw error;
  }
}

export function createMemoryTransport(init: TransportOptions, components: MemoryTransportComponents): SsdpTransport {
  const { network } = components;
  const host = typeof components.host === 'string' ? network.host(components.host) : components.host;
  const port = init.port ?? SSDP_PORT;
  const unicastPort = init.unicastPort ?? port;
  const joinGroup = init.joinGroup ?? true;
  const loopback = init.multicastLoopback ?? true;
  // No kernel here: the request is granted as asked; LinkConditions.receiveQueue simulates a full buffer.
  const receiveBufferSize = checkReceiveBufferSize(init.receiveBufferSize);

  const datagrams = new Listeners<Datagram>();
  const changes = new Listeners<InterfacesChange>();
  const errors = new Listeners<TransportError>();
  const bound = new Map<string, Bound>();
  let state: State = 'idle';
  let unwatch: (() => void) | undefined;
  /** Receive-queue drops of the bindings closed so far (kernelDrops() never goes down). */
  let retiredDrops = 0;

  const report = (error: unknown): void => errors.emit(asTransportError(error), () => undefined);

  function select(lenient: boolean): readonly InterfaceAddress[] {
    const capable = (name: string, family: AddressFamily): boolean => host.multicastCapable(name, family);
    return selectRequested(init, host.networkInterfaces(), capable, lenient);
  }

  function receiver(interfaceId: string): (packet: MemoryPacket) => void {
    return (packet) => {
      if (state !== 'started' || !bound.has(interfaceId)) return;
      datagrams.emit({ bytes: packet.bytes, remote: packet.remote, interfaceId, via: packet.via }, report);
    };
  }

  const settings = {
    port,
    unicastPort,
    joinGroup,
    ipv6SiteLocal: init.ipv6SiteLocal === true,
    broadcast: init.broadcast === true,
  };
  const bindInterface = (address: InterfaceAddress): Bound => bindOn(host, address, settings, receiver(address.id));

  function unbind(entry: Bound): void {
    for (const { binding } of entry.bindings) {
      retiredDrops += binding.drops;
      binding.close();
    }
  }

  function closeAll(): void {
    for (const entry of bound.values()) unbind(entry);
    bound.clear();
  }

  function start(): Promise<void> {
    if (state === 'started') return Promise.resolve();
    if (state === 'stopped') {
      return Promise.reject(
        new TransportError('SSDP_ERR_TRANSPORT_STOPPED', 'this transport was stopped; create a new one'),
      );
    }
    try {
      for (const address of select(false)) bound.set(address.id, bindInterface(address));
    } catch (error) {
      closeAll();
      return Promise.reject(error);
    }
    state = 'started';
    unwatch = host.onInterfacesChanged(() => {
      try {
        if (state !== 'started') return;
        const change = reselectBound(bound, select(true), bindInterface, unbind, report);
        if (change.added.length + change.removed.length + change.changed.length > 0) changes.emit(change, report);
      } catch (error) {
        report(error);
      }
    });
    return Promise.resolve();
  }

  function stop(): Promise<void> {
    if (state !== 'started') return Promise.resolve();
    state = 'stopped';
    unwatch?.();
    closeAll();
    return Promise.resolve();
  }

  function send(bytes: Uint8Array, target: SendTarget): Promise<void> {
    if (state !== 'started') return Promise.reject(sendRefusal(state));
    const entry = bound.get(target.interfaceId);
    if (entry === undefined) return Promise.reject(unknownInterface(target.interfaceId));
    const { iface } = entry;
    const from = { address: iface.address, port: iface.unicastPort };
    let to: { address: string; port: number };
    try {
      to = resolveSendTarget(iface, target, port);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    // Off-link unicast is routed (the network finds the owner on any link), as a default route would.
    network.route(host, iface.name, from, to, memoryVia(iface, target), bytes, loopback);
    return Promise.resolve();
  }

  return {
    start,
    stop,
    get interfaces() {
      return state === 'started' ? [...bound.values()].map((b) => b.iface) : [];
    },
    onDatagram: (handler): Unsubscribe => datagrams.add(handler),
    onInterfacesChanged: (handler): Unsubscribe => changes.add(handler),
    onError: (handler): Unsubscribe => errors.add(handler),
    send,
    receiveBuffer: () => receiveBufferOf(bound, receiveBufferSize),
    kernelDrops: () => kernelDropsOf(bound).reduce((sum, s) => sum + (s.drops ?? 0), retiredDrops),
    kernelDropsBySocket: () => kernelDropsOf(bound),
  };
}
