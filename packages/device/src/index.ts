// Public surface of @ssdp/device: a UPnP root device for Node.js (UDA 1.1/2.0 section 1 discovery, section 2
// description). Doubles for tests are on @ssdp/device/testing.
export { createDevice, Device, NotStartedError } from './create-device.ts';
export type { DeviceComponents, DeviceEventMap, StartOptions } from './create-device.ts';
export { checkDeviceOptions, DEFAULT_MAX_AGE, LEGACY_PORT, MAX_FLEET_SIZE } from './device-options.ts';
export type { DeviceOptions } from './device-options.ts';
export { DROP_REASONS } from './events.ts';
export type {
  DeviceEvent,
  DeviceEventName,
  DeviceStats,
  DropReason,
  Endpoint,
  EventInterest,
  StartedDevice,
  StartedInterface,
} from './events.ts';
export { defaultLimits } from './limits.ts';
export type { DeviceLimits } from './limits.ts';
export { parseConfigFile } from './device-config.ts';
export type { ConfigFile, ConfigResult, DeviceConfig, IconConfig, ServiceConfig } from './device-config.ts';
export { createFileStateStore, defaultStateDir, StateStoreError } from './state-store.ts';
export type { PersistedState, StateStore } from './state-store.ts';
export { createDescriptionHandler, DescriptionServerError, XML_CONTENT_TYPE } from './description-server.ts';
export type {
  DescriptionHandler,
  DescriptionServer,
  HttpRequestInfo,
  HttpResponseInfo,
  ListenEndpoint,
} from './description-server.ts';
export { createHttpDescriptionServer } from './http-description-server.ts';
export { serverHeader } from './server-header.ts';
export { InvalidOptionError, AbortError, TransportError } from '@ssdp/transport';
