// @ssdp/control-point/testing: doubles for tests without sockets. Pass a memory transport to createControlPoint:
//   createControlPoint(options, { createTransport: (o) => createMemoryTransport(host, o), httpGet: ... })
export { MemoryNetwork, MemoryHost, createMemoryTransport, seededRandom } from '@ssdp/transport/testing';
export type { LinkConditions, MemoryInterfaceInit, MemoryNetworkInit } from '@ssdp/transport/testing';
export { createFakeDevice } from './fake-device.ts';
export type { FakeDevice, FakeDeviceInit } from './fake-device.ts';
