// Public surface of @ssdp/transport: UDP behind one interface, (the in-memory network for tests is `@ssdp/transport/testing`).
export type {
  AddressFamily,
  Datagram,
  InterfacesChange,
  ReceiveBufferReport,
  RemoteEndpoint,
  SendTarget,
  SocketKernelDrops,
  SocketReceiveBuffer,
  SsdpTransport,
  TransportInterface,
  TransportOptions,
  Unsubscribe,
  Via,
} from './transport.ts';
export { TransportError, isTransportError, transportErrorFromErrno, PORT_IN_USE_HINT } from './errors.ts';
export type { TransportErrorCode, TransportErrorDetails } from './errors.ts';
export { InvalidOptionError, AbortError, throwIfAborted } from './option-errors.ts';
export {
  broadcastAddressOption,
  integerOption,
  interfacesOption,
  knownOptions,
  portOption,
  profileOption,
  receiveBufferOption,
  signalOption,
  textOption,
} from './option-checks.ts';
export { selectInterfaces } from './select-interfaces.ts';
export { onSubnet, ipv4Broadcast, normalizeAddress, isLinkLocal } from './ip-address.ts';
export type {
  InterfaceAddress,
  NetworkInterfaceInfoLike,
  NetworkInterfacesSnapshot,
  SelectInterfacesOptions,
  SelectInterfacesResult,
} from './select-interfaces.ts';
export {
  createUdpTransport,
  DEFAULT_INTERFACE_POLL_MS,
  DEFAULT_MULTICAST_TTL,
  DEFAULT_RECEIVE_BUFFER_SIZE,
  RECEIVE_BUFFER_SIZE_MAX,
} from './udp-transport.ts';
export type { UdpTransportComponents } from './udp-transport.ts';
export type { ReceiveSocketsComponents } from './receive-sockets.ts';
export { parseUdpSocketTable, readUdpSocketTables, socketInode } from './kernel-drops.ts';
export type { UdpSocketRow } from './kernel-drops.ts';
export { createDropReporter, DROP_REPORT_WINDOW_MS } from './drop-reporter.ts';
export type { DropReport, DropReporter, DropReporterComponents } from './drop-reporter.ts';
