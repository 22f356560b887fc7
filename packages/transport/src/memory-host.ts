// One host of the in-memory network: its interfaces (a loopback and any added), their state, and the sockets bound
// on it, with Linux's rules for SO_REUSEADDR sharing and exclusive foreign sockets.
import { PORT_IN_USE_HINT, TransportError } from './errors.ts';
import { Listeners } from './listeners.ts';
import { isLinkLocal, netmaskOf, normalizeAddress, sameAddress } from './ip-address.ts';
import type { MemoryNetwork } from './memory-network.ts';
import type {
  Binding,
  BindingEntry,
  BindingSpec,
  InterfaceAddressState,
  InterfaceState,
  MemoryInterfaceInit,
  MemoryPacket,
} from './memory-network-types.ts';
import type { NetworkInterfaceInfoLike, NetworkInterfacesSnapshot } from './select-interfaces.ts';
import type { AddressFamily, Via } from './transport.ts';

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

function overlaps(a: string, b: string): boolean {
  return a === b || a === '0.0.0.0' || b === '0.0.0.0' || a === '::' || b === '::';
}

function parseCidr(cidr: string): InterfaceAddressState {
  const [address = '', prefix] = cidr.split('/');
  const family: AddressFamily = address.includes(':') ? 'IPv6' : 'IPv4';
  const prefixLength = prefix === undefined ? (family === 'IPv4' ? 24 : 64) : Number(prefix);
  return { address: normalizeAddress(address), prefixLength, family };
}
