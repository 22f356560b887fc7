// @ssdp/control-point/testing: doubles for tests without sockets. Pass a memory transport (and an in-memory
// HTTP GET for descriptions) to createControlPoint:
//   createControlPoint(options, {
//     createTransport: (o) => createMemoryTransport(o, { network, host: 'cp' }),
//     httpGet: createMemoryHttpGet((url) => descriptionServer.fetch(url)),
//   })
export { MemoryNetwork, MemoryHost, createMemoryTransport, seededRandom } from '@ssdp/transport/testing';
export type { LinkConditions, MemoryInterfaceInit, MemoryNetworkInit } from '@ssdp/transport/testing';
export { createFakeDevice } from './fake-device.ts';
export type { FakeDevice, FakeDeviceInit } from './fake-device.ts';
export { createMemoryHttpGet } from './memory-http-get.ts';
export type { MemoryHttpHandler, MemoryHttpResponse } from './memory-http-get.ts';
