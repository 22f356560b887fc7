// @ssdp/device/testing: doubles for tests without sockets or files. Pass them to createDevice's components:
//   createDevice(options, {
//     createTransport: (o) => createMemoryTransport(o, { network, host: 'dev' }),
//     createStateStore: () => createMemoryStateStore(),
//     createDescriptionServer: () => createMemoryDescriptionServer(),
//   })
export { createMemoryStateStore } from './memory-state-store.ts';
export { createMemoryDescriptionServer } from './memory-description-server.ts';
export type { MemoryDescriptionServer } from './memory-description-server.ts';
export { MemoryNetwork, MemoryHost, createMemoryTransport, seededRandom } from '@ssdp/transport/testing';
export type { LinkConditions, MemoryInterfaceInit, MemoryNetworkInit } from '@ssdp/transport/testing';
