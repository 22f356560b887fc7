// An in-memory network for tests: hosts with interfaces on links, multicast groups, directed broadcast and
// unicast, with seeded loss, duplication, latency and reordering on an injectable clock. One instance per test.
// It models sockets the way Linux does for what SSDP needs (SO_REUSEADDR sharing, an exclusive foreign socket
// blocking a port, unicast to a shared port reaching only the most recently bound socket).
import { createSystemClock, type Clock } from '@ssdp/runtime';
import { PORT_IN_USE_HINT, TransportError } from './errors.ts';
import { Listeners } from './listeners.ts';
import { isLinkLocal, netmaskOf, normalizeAddress, sameAddress } from './ip-address.ts';
import { type NetworkInterfaceInfoLike, type NetworkInterfacesSnapshot } from './select-interfaces.ts';
import type { AddressFamily, RemoteEndpoint, Via } from './transport.ts';

export interface LinkConditions {
  /** Base one-way delay in ms. Default 0 (still asynchronous: delivered on the next clock tick). */
  readonly latencyMs?: number;
  /** Extra uniform random delay in [0, jitterMs). */
  readonly jitterMs?: number;
  /** Probability that one delivery is lost. */
  readonly loss?: number;
  /** Probability that one delivery arrives twice. */
  readonly duplicate?: number;
  /** Probability that one delivery is held back by reorderDelayMs, so later datagrams overtake it. */
  readonly reorder?: number;
  readonly reorderDelayMs?: number;
  /**
   * A receive buffer, in datagrams: the most one socket may hold undelivered (scheduled, not yet handed to it).
   * Beyond it a datagram is dropped as a full SO_RCVBUF drops it: counted on that socket (the memory transport's
   * `kernelDrops()`) and under `dropped['receive-buffer']`. Default: unlimited.
   */
  readonly receiveQueue?: number;
}

export interface MemoryNetworkInit extends LinkConditions {
  readonly clock?: Clock;
  /** Seed of the random source (default 1); ignored when `random` is given. */
  readonly seed?: number;
  readonly random?: () => number;
}

export interface MemoryInterfaceInit {
  readonly name: string;
  /** The link (L2 segment) it is plugged into; multicast and broadcast stay on one link. */
  readonly link: string;
  /** IPv4 address with prefix, e.g. `10.0.0.2/24`. */
  readonly ipv4?: string;
  /** IPv6 addresses with prefix, e.g. `fe80::2/64`, `fd00::2/64`. */
  readonly ipv6?: readonly string[];
}

export type DropReason = 'loss' | 'no-listener' | 'no-route' | 'closed' | 'interface-down' | 'receive-buffer';

export interface MemoryStats {
  sent: number;
  delivered: number;
  duplicated: number;
  dropped: Record<DropReason, number>;
}

export interface SentRecord {
  readonly at: number;
  readonly host: string;
  readonly interfaceName: string;
  readonly from: { readonly address: string; readonly port: number };
  readonly to: { readonly address: string; readonly port: number };
  readonly via: Via;
  readonly bytes: Uint8Array;
  /** Hosts a copy was scheduled for (before loss), e.g. `['b', 'c']`. */
  readonly recipients: readonly string[];
}

export interface MemoryPacket {
  readonly bytes: Uint8Array;
  readonly remote: RemoteEndpoint;
  readonly via: Via;
}

/** A socket-like endpoint of one host, as a transport registers it. */
export type BindingSpec =
  | {
      readonly kind: 'unicast';
      readonly family: AddressFamily;
      readonly address: string;
      readonly port: number;
      readonly reuse: boolean;
    }
  | { readonly kind: 'group'; readonly interfaceName: string; readonly group: string; readonly port: number }
  | { readonly kind: 'broadcast'; readonly interfaceName: string; readonly address: string; readonly port: number };

export interface Binding {
  readonly port: number;
  /** Datagrams dropped for this socket because its receive queue was full (see `LinkConditions.receiveQueue`). */
  readonly drops: number;
  close(): void;
}

interface BindingEntry {
  readonly spec: BindingSpec;
  readonly port: number;
  readonly order: number;
  readonly receive: (packet: MemoryPacket) => void;
  open: boolean;
  /** Deliveries scheduled and not yet handed over. */
  queued: number;
  drops: number;
}

interface InterfaceAddressState {
  address: string;
  prefixLength: number;
  family: AddressFamily;
}

interface InterfaceState {
  readonly name: string;
  readonly link: string;
  readonly internal: boolean;
  readonly index: number;
  up: boolean;
  addresses: InterfaceAddressState[];
}

export class MemoryNetwork {
  readonly clock: Clock;
  readonly stats: MemoryStats = {
    sent: 0,
    delivered: 0,
    duplicated: 0,
    dropped: { loss: 0, 'no-listener': 0, 'no-route': 0, closed: 0, 'interface-down': 0, 'receive-buffer': 0 },
  };
  readonly log: SentRecord[] = [];
  private readonly random: () => number;
  private conditions: LinkConditions;
  private readonly linkConditions = new Map<string, LinkConditions>();
  private readonly hosts = new Map<string, MemoryHost>();
  private interfaceIndex = 1;

  constructor(init: MemoryNetworkInit = {}) {
    this.clock = init.clock ?? createSystemClock();
    this.random = init.random ?? seededRandom(init.seed ?? 1);
    this.conditions = pickConditions(init);
  }

  addHost(name: string, interfaces: readonly MemoryInterfaceInit[] = []): MemoryHost {
    if (this.hosts.has(name)) throw new Error(`host "${name}" exists`);
    const host = new MemoryHost(this, name, interfaces);
    this.hosts.set(name, host);
    return host;
  }

  host(name: string): MemoryHost {
    const host = this.hosts.get(name);
    if (host === undefined) throw new Error(`no host "${name}"`);
    return host;
  }

  /** Changes the conditions of the whole network, or of one link. */
  setConditions(conditions: LinkConditions, link?: string): void {
    if (link === undefined) this.conditions = pickConditions(conditions);
    else this.linkConditions.set(link, pickConditions(conditions));
  }

  /** Sent records whose payload contains `text` (handy for asserting on SSDP messages). */
  sentContaining(text: string): SentRecord[] {
    const decoder = new TextDecoder();
    return this.log.filter((record) => decoder.decode(record.bytes).includes(text));
  }

  /** @internal Interface indexes (IPv6 scope ids) are unique per network, like ifindex per host. */
  allocateInterfaceIndex(): number {
    return this.interfaceIndex++;
  }

  /** @internal Routes one datagram from `host`; used by memory transports. */
  route(
    host: MemoryHost,
    interfaceName: string,
    from: { address: string; port: number },
    to: { address: string; port: number },
    via: Via,
    bytes: Uint8Array,
    loopback = true,
  ): void {
    const sender = host.interfaceState(interfaceName);
    const copy = bytes.slice();
    this.stats.sent += 1;
    const deliveries: { host: MemoryHost; entry: BindingEntry; arrival: InterfaceState }[] = [];
    let dropReason: DropReason | undefined;
    if (sender === undefined || !sender.up) {
      dropReason = 'interface-down';
    } else if (via === 'multicast' || via === 'broadcast') {
      for (const peer of this.hosts.values()) {
        if (via === 'multicast' && !loopback && peer === host) continue;
        for (const arrival of peer.interfacesOnLink(sender.link)) {
          for (const entry of peer.bindingsFor(via, arrival, to)) deliveries.push({ host: peer, entry, arrival });
        }
      }
      if (deliveries.length === 0) dropReason = 'no-listener';
    } else {
      const owner = this.ownerOf(host, sender, to.address);
      if (owner === undefined) dropReason = 'no-route';
      else {
        const entry = owner.host.unicastBindingFor(to.address, to.port);
        if (entry === undefined) dropReason = 'no-listener';
        else deliveries.push({ host: owner.host, entry, arrival: owner.arrival });
      }
    }
    this.log.push({
      at: this.clock.now(),
      host: host.name,
      interfaceName,
      from,
      to,
      via,
      bytes: copy,
      recipients: deliveries.map((d) => d.host.name),
    });
    if (dropReason !== undefined) {
      this.stats.dropped[dropReason] += 1;
      return;
    }
    for (const delivery of deliveries) {
      const conditions = this.linkConditions.get(delivery.arrival.link) ?? this.conditions;
      if (this.random() < (conditions.loss ?? 0)) {
        this.stats.dropped.loss += 1;
        continue;
      }
      const copies = this.random() < (conditions.duplicate ?? 0) ? 2 : 1;
      if (copies === 2) this.stats.duplicated += 1;
      for (let n = 0; n < copies; n += 1) {
        if (conditions.receiveQueue !== undefined && delivery.entry.queued >= conditions.receiveQueue) {
          delivery.entry.drops += 1;
          this.stats.dropped['receive-buffer'] += 1;
          continue;
        }
        delivery.entry.queued += 1;
        let delay = (conditions.latencyMs ?? 0) + this.random() * (conditions.jitterMs ?? 0);
        if (this.random() < (conditions.reorder ?? 0)) delay += conditions.reorderDelayMs ?? 10;
        const remoteAddress =
          isLinkLocal(from.address) && !from.address.includes('%')
            ? `${from.address}%${delivery.arrival.name}`
            : from.address;
        const packet: MemoryPacket = {
          bytes: copy.slice(),
          remote: { address: remoteAddress, port: from.port, family: from.address.includes(':') ? 'IPv6' : 'IPv4' },
          via,
        };
        this.clock.setTimeout(() => {
          delivery.entry.queued -= 1;
          if (!delivery.entry.open) {
            this.stats.dropped.closed += 1;
            return;
          }
          this.stats.delivered += 1;
          delivery.entry.receive(packet);
        }, delay);
      }
    }
  }

  private ownerOf(
    sourceHost: MemoryHost,
    sender: InterfaceState,
    address: string,
  ): { host: MemoryHost; arrival: InterfaceState } | undefined {
    const wanted = normalizeAddress(address);
    if (wanted === '::1' || wanted.startsWith('127.')) {
      const lo = sourceHost.interfaceWithAddress(wanted, true);
      return lo === undefined ? undefined : { host: sourceHost, arrival: lo };
    }
    const linkOnly = isLinkLocal(wanted);
    for (const host of this.hosts.values()) {
      const arrival = host.interfaceWithAddress(wanted, false);
      if (arrival === undefined || (linkOnly && arrival.link !== sender.link)) continue;
      return { host, arrival };
    }
    return undefined;
  }
}

export class MemoryHost {
  readonly name: string;
  private readonly network: MemoryNetwork;
  private readonly interfaces: InterfaceState[] = [];
  private readonly bindings: BindingEntry[] = [];
  private readonly changeListeners = new Listeners<void>();
  private bindOrder = 0;
  private nextEphemeral = 49152;

  constructor(network: MemoryNetwork, name: string, interfaces: readonly MemoryInterfaceInit[]) {
    this.network = network;
    this.name = name;
    this.interfaces.push({
      name: 'lo',
      link: `${name}/lo`,
      internal: true,
      index: network.allocateInterfaceIndex(),
      up: true,
      addresses: [
        { address: '127.0.0.1', prefixLength: 8, family: 'IPv4' },
        { address: '::1', prefixLength: 128, family: 'IPv6' },
      ],
    });
    for (const init of interfaces) this.addInterface(init);
  }

  get memoryNetwork(): MemoryNetwork {
    return this.network;
  }

  addInterface(init: MemoryInterfaceInit): void {
    if (this.interfaces.some((i) => i.name === init.name)) throw new Error(`${this.name} already has ${init.name}`);
    const addresses = [init.ipv4, ...(init.ipv6 ?? [])].filter((a): a is string => a !== undefined).map(parseCidr);
    this.interfaces.push({
      name: init.name,
      link: init.link,
      internal: false,
      index: this.network.allocateInterfaceIndex(),
      up: true,
      addresses,
    });
    this.changed();
  }

  /** What os.networkInterfaces() would say on this host: only interfaces that are up. */
  networkInterfaces(): NetworkInterfacesSnapshot {
    const snapshot: Record<string, NetworkInterfaceInfoLike[]> = {};
    for (const iface of this.interfaces) {
      if (!iface.up || iface.addresses.length === 0) continue;
      snapshot[iface.name] = iface.addresses.map((a) => ({
        address: a.address,
        netmask: netmaskOf(a.family, a.prefixLength),
        family: a.family,
        internal: iface.internal,
        cidr: `${a.address}/${a.prefixLength}`,
        ...(a.family === 'IPv6' ? { scopeid: isLinkLocal(a.address) ? iface.index : 0 } : {}),
      }));
    }
    return snapshot;
  }

  /** Like Linux: lo carries IPv4 multicast but has no MULTICAST flag for IPv6. */
  multicastCapable(name: string, family: AddressFamily): boolean {
    const iface = this.interfaces.find((i) => i.name === name);
    return !(iface?.internal === true && family === 'IPv6');
  }

  setInterfaceUp(name: string, up: boolean): void {
    this.requireInterface(name).up = up;
    this.changed();
  }

  /** Replaces the addresses of one family (e.g. a new DHCP lease): `setAddress('eth0', '10.0.0.9/24')`. */
  setAddress(name: string, cidr: string): void {
    const iface = this.requireInterface(name);
    const next = parseCidr(cidr);
    const keepLinkLocal = next.family === 'IPv6' && !isLinkLocal(next.address);
    iface.addresses = [
      ...iface.addresses.filter((a) => a.family !== next.family || (keepLinkLocal && isLinkLocal(a.address))),
      next,
    ];
    this.changed();
  }

  /** A foreign program's socket bound without SO_REUSEADDR (think minissdpd): our binds to the port then fail. */
  occupyPort(address: string, port: number): Binding {
    return this.bind(
      { kind: 'unicast', family: address.includes(':') ? 'IPv6' : 'IPv4', address, port, reuse: false },
      () => undefined,
    );
  }

  /** Called (synchronously) whenever an interface goes up/down or changes address. */
  onInterfacesChanged(handler: () => void): () => void {
    return this.changeListeners.add(handler);
  }

  /** @internal Registers a socket-like endpoint; throws SSDP_ERR_PORT_IN_USE like bind(2) would. */
  bind(spec: BindingSpec, receive: (packet: MemoryPacket) => void): Binding {
    let port = spec.port;
    if (spec.kind === 'unicast') {
      const address = normalizeAddress(spec.address);
      if (
        address !== '0.0.0.0' &&
        address !== '::' &&
        this.interfaceWithAddress(address, address === '::1' || address.startsWith('127.')) === undefined
      ) {
        throw new TransportError(
          'SSDP_ERR_UNKNOWN_INTERFACE',
          `bind ${spec.address}:${spec.port}: address not available`,
          {
            errno: 'EADDRNOTAVAIL',
            address: spec.address,
          },
        );
      }
      if (port === 0) port = this.ephemeralPort(spec.family);
      const conflict = this.bindings.find(
        (b) =>
          b.open &&
          b.spec.kind === 'unicast' &&
          b.port === port &&
          b.spec.family === spec.family &&
          (!b.spec.reuse || !spec.reuse) &&
          overlaps(normalizeAddress(b.spec.address), address),
      );
      if (conflict !== undefined) {
        throw new TransportError('SSDP_ERR_PORT_IN_USE', `bind ${spec.address}:${port}: port already in use`, {
          errno: 'EADDRINUSE',
          address: spec.address,
          port,
          hint: PORT_IN_USE_HINT,
        });
      }
    }
    const entry: BindingEntry = { spec, port, order: this.bindOrder++, receive, open: true, queued: 0, drops: 0 };
    this.bindings.push(entry);
    return {
      port,
      get drops() {
        return entry.drops;
      },
      close: () => {
        entry.open = false;
        const index = this.bindings.indexOf(entry);
        if (index >= 0) this.bindings.splice(index, 1);
      },
    };
  }

  /** @internal */
  interfaceState(name: string): InterfaceState | undefined {
    return this.interfaces.find((i) => i.name === name);
  }

  /** @internal Interfaces of this host on `link` that are up (a loopback link is named after its host). */
  interfacesOnLink(link: string): InterfaceState[] {
    return this.interfaces.filter((i) => i.up && i.link === link);
  }

  /** @internal */
  interfaceWithAddress(address: string, internal: boolean): InterfaceState | undefined {
    return this.interfaces.find(
      (i) =>
        i.up &&
        i.internal === internal &&
        i.addresses.some(
          (a) => sameAddress(a.address, address) || (internal && a.family === 'IPv4' && address.startsWith('127.')),
        ),
    );
  }

  /** @internal Group or broadcast endpoints that receive a datagram arriving on `arrival`. */
  bindingsFor(via: Via, arrival: InterfaceState, to: { address: string; port: number }): BindingEntry[] {
    const group = normalizeAddress(to.address);
    return this.bindings.filter((b) => {
      if (!b.open || b.port !== to.port) return false;
      if (via === 'multicast')
        return b.spec.kind === 'group' && b.spec.interfaceName === arrival.name && sameAddress(b.spec.group, group);
      return b.spec.kind === 'broadcast' && b.spec.interfaceName === arrival.name && sameAddress(b.spec.address, group);
    });
  }

  /** @internal Like Linux with SO_REUSEADDR: of several sockets on one address and port, the newest gets it. */
  unicastBindingFor(address: string, port: number): BindingEntry | undefined {
    const wanted = normalizeAddress(address);
    const matches = this.bindings.filter(
      (b) =>
        b.open && b.spec.kind === 'unicast' && b.port === port && overlaps(normalizeAddress(b.spec.address), wanted),
    );
    return matches.sort((a, b) => b.order - a.order)[0];
  }

  private ephemeralPort(family: AddressFamily): number {
    for (;;) {
      const port = this.nextEphemeral;
      this.nextEphemeral = port >= 65535 ? 49152 : port + 1;
      if (!this.bindings.some((b) => b.spec.kind === 'unicast' && b.spec.family === family && b.port === port))
        return port;
    }
  }

  private requireInterface(name: string): InterfaceState {
    const iface = this.interfaceState(name);
    if (iface === undefined) throw new Error(`${this.name} has no interface ${name}`);
    return iface;
  }

  private changed(): void {
    this.changeListeners.emit(undefined, () => undefined);
  }
}

function pickConditions(init: LinkConditions): LinkConditions {
  const { latencyMs, jitterMs, loss, duplicate, reorder, reorderDelayMs, receiveQueue } = init;
  return { latencyMs, jitterMs, loss, duplicate, reorder, reorderDelayMs, receiveQueue };
}

function overlaps(a: string, b: string): boolean {
  return a === b || a === '0.0.0.0' || b === '0.0.0.0' || a === '::' || b === '::';
}

function parseCidr(cidr: string): InterfaceAddressState {
  const [address = '', prefix] = cidr.split('/');
  const family: AddressFamily = address.includes(':') ? 'IPv6' : 'IPv4';
  const prefixLength = prefix === undefined ? (family === 'IPv4' ? 24 : 64) : Number(prefix);
  return { address: normalizeAddress(address), prefixLength, family };
}

/** mulberry32: small, fast and good enough for reproducible test conditions. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
