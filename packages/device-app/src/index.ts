// Public surface of @ssdp/device-app (for tools and tests; the program is bin/ssdp-device.js).
export { runCli, type CliIo, type CliRuntime } from './run-cli.ts';
export { createDevice, emptyStats, DEFAULT_MAX_AGE, LEGACY_PORT } from './device.ts';
export type { Device, DeviceComponents, DeviceInit } from './device.ts';
export type { DeviceEvent, DeviceEventName, DeviceStats, DropReason, Endpoint } from './events.ts';
export { DROP_REASONS } from './events.ts';
export { defaultLimits, resolveLimits } from './limits.ts';
export type { DeviceLimits } from './limits.ts';
export { createOutput } from './output.ts';
export { parseConfigFile } from './device-config.ts';
export type { ConfigFile, DeviceConfig, ServiceConfig } from './device-config.ts';
export { createFileStateStore, createMemoryStateStore, defaultStateDir, StateStoreError } from './state-store.ts';
export type { PersistedState, StateStore } from './state-store.ts';
export { createDescriptionHandler, DescriptionServerError, XML_CONTENT_TYPE } from './description-server.ts';
export type { DescriptionHandler, DescriptionServer, ListenEndpoint } from './description-server.ts';
export { createHttpDescriptionServer } from './http-description-server.ts';
