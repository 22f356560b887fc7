// @ssdp/transport/testing: an in-memory network of hosts, for tests without sockets (ours and library users').
export { MemoryNetwork } from '../memory-network.ts';
export { MemoryHost } from '../memory-host.ts';
export { seededRandom } from '../seeded-random.ts';
export type {
  DropReason,
  LinkConditions,
  MemoryInterfaceInit,
  MemoryNetworkInit,
  MemoryStats,
  SentRecord,
} from '../memory-network-types.ts';
export { createMemoryTransport } from '../memory-transport.ts';
export type { MemoryTransportComponents } from '../memory-transport.ts';
