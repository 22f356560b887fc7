// An in-memory network for tests: hosts with interfaces on links, multicast groups, directed broadcast and
// unicast, with seeded loss, duplication, latency and reordering on an injectable clock. One instance per test.
// It models sockets the way Linux does for what SSDP needs (SO_REUSEADDR sharing, an exclusive foreign socket
// blocking a port, unicast to a shared port reaching only the most recently bound socket).
import { createSystemClock, type Clock } from '@ssdp/runtime';
import { isLinkLocal, normalizeAddress } from './ip-address.ts';
import { MemoryHost } from './memory-host.ts';
import type {
  BindingEntry,
  InterfaceState,
  LinkConditions,
  MemoryInterfaceInit,
  MemoryNetworkInit,
  MemoryPacket,
  MemoryStats,
  SentRecord,
  DropReason,
} from './memory-network-types.ts';
import { seededRandom } from './seeded-random.ts';
import type { Via } from './transport.ts';

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

function pickConditions(init: LinkConditions): LinkConditions {
  const { latencyMs, jitterMs, loss, duplicate, reorder, reorderDelayMs, receiveQueue } = init;
  return { latencyMs, jitterMs, loss, duplicate, reorder, reorderDelayMs, receiveQueue };
}
