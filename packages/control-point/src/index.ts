// Public surface of @ssdp/control-point: an SSDP control point for Node.js (UDA 1.1/2.0 section 1), with a live
// registry and description fetching. Doubles for tests are on @ssdp/control-point/testing.
export { createControlPoint, ControlPoint, LISTEN_MARGIN_MS } from './create-control-point.ts';
export type {
  ControlPointComponents,
  ControlPointEventMap,
  DescribeFailure,
  WaitOptions,
} from './create-control-point.ts';
export { discover } from './discover.ts';
export type { DiscoverOptions } from './discover.ts';
export type { ControlPointOptions, ControlPointProfile } from './control-point-options.ts';
export type { DiscoveredDevice } from './discovered-device.ts';
export { DEFAULT_RESOURCE_MAX_BYTES } from './device-lookup.ts';
export type {
  DescriptionLookup,
  FetchFromDeviceOptions,
  LookupFailure,
  LookupFailureReason,
  ResourceLookup,
} from './device-lookup.ts';
export type { DescribedDevice, DescribedIcon, DescribedService, DeviceDescription } from '@ssdp/protocol';
export type { ControlPointEvent, ControlPointEventName } from './public-events.ts';
export type {
  ControllerStats as ControlPointStats,
  DescribeFailureReason,
  DescribeState,
  DropReason,
  ReceiveBufferStats,
  RemovalReason,
} from './events.ts';
export { createFetchHttpGet, createNodeHttpGet, createSystemHttpGet, nodeHttpGet } from './http-get.ts';
export type { HttpGet, HttpGetRequest, HttpGetResponse } from './http-get.ts';
export { DEFAULT_DESCRIBE_TIMEOUT_MS } from './description-fetcher.ts';
export { InvalidOptionError, AbortError, TransportError } from '@ssdp/transport';
