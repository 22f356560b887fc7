// @ssdp/transport/testing: an in-memory network of hosts, for tests without sockets (ours and library users').
export { MemoryNetwork, MemoryHost, seededRandom } from '../memory-network.ts';
export type {
  DropReason,
  LinkConditions,
  MemoryInterfaceInit,
  MemoryNetworkInit,
  MemoryStats,
  SentRecord,
} from '../memory-network.ts';
export { createMemoryTransport } from '../memory-transport.ts';
export type { MemoryTransportComponents } from '../memory-transport.ts';
