// Public surface of @ssdp/protocol: the SSDP message layer (UDA 1.1/2.0 section 1, plus the Python prototype's
// dialect) and root device descriptions (UDA section 2). Pure: no I/O, no timers, no clock, no randomness.
export {
  LEGACY_PORT,
  SSDP_IPV4_GROUP,
  SSDP_IPV6_LINK_LOCAL_GROUP,
  SSDP_IPV6_SITE_LOCAL_GROUP,
  SSDP_PORT,
} from './constants.ts';

// Errors
export { SsdpError } from './errors.ts';
export type { SsdpErrorCode, SsdpErrorDetails, ValueResult } from './errors.ts';

// Messages
export type { SsdpProfile } from './profile.ts';
export type {
  AdvertisementFields,
  FieldProblem,
  MSearchMessage,
  MSearchMessageView,
  NotifyAliveMessage,
  NotifyAliveMessageView,
  NotifyByeByeMessage,
  NotifyByeByeMessageView,
  NotifyFields,
  NotifyMessage,
  NotifyUpdateMessage,
  NotifyUpdateMessageView,
  SearchResponseMessage,
  SearchResponseMessageView,
  SsdpMessage,
  SsdpMessageBase,
  SsdpMessageKind,
  SsdpMessageView,
  SsdpMessageViewMethods,
} from './message.ts';
export { KNOWN_HEADER_NAMES, canonicalHeaderName, getHeader, getHeaders, isValidHeaderName } from './headers.ts';
export type { KnownHeaderName, SsdpHeader } from './headers.ts';
export { DEFAULT_PARSE_LIMITS, parseMessage, parseMessageView } from './parse.ts';
export type { ParseLimits, ParseOptions, ParseResult, ParseViewResult } from './parse.ts';
export { MAX_DATAGRAM_PAYLOAD, serializeMessage, serializeMessageText } from './serialize.ts';
export type { SerializeOptions } from './serialize.ts';
export {
  SSDP_MULTICAST_HOST,
  createMSearch,
  createNotifyAlive,
  createNotifyByeBye,
  createNotifyUpdate,
  createSearchResponse,
} from './create-message.ts';
export type {
  CommonInit,
  MSearchInit,
  NotifyAliveInit,
  NotifyByeByeInit,
  NotifyUpdateInit,
  SearchResponseInit,
} from './create-message.ts';
export { LEGACY_LINE, LEGACY_MSEARCH_HEADER_ORDER, LEGACY_NOTIFY_HEADER_ORDER } from './legacy.ts';

// Value types
export { formatSearchTarget, parseSearchTarget } from './search-target.ts';
export type {
  AllTarget,
  DeviceTypeTarget,
  NotificationType,
  RootDeviceTarget,
  SearchTarget,
  ServiceTypeTarget,
  TypeTarget,
  UuidTarget,
} from './search-target.ts';
export { formatUsn, parseUsn } from './usn.ts';
export type { Usn, UsnTarget } from './usn.ts';
export { MAX_AGE_CAP, formatCacheControl, parseCacheControl } from './cache-control.ts';
export type { CacheControl } from './cache-control.ts';
export { formatHttpDate, parseHttpDate } from './http-date.ts';
export {
  MAX_31_BIT,
  MAX_ASSIGNABLE_CONFIGID,
  MAX_PORT,
  MIN_DYNAMIC_PORT,
  formatBootId,
  formatConfigId,
  formatNextBootId,
  formatSearchPort,
  formatTcpPort,
  parseBootId,
  parseConfigId,
  parseNextBootId,
  parseSearchPort,
  parseTcpPort,
} from './upnp-numbers.ts';
export { formatProductTokens, parseProductTokens, productTokenPart } from './product-tokens.ts';
export type { ProductToken, ProductTokens, ProductTokensInit, UpnpVersion } from './product-tokens.ts';
export { formatHost, parseHost } from './host.ts';
export type { HostScope, SsdpHost } from './host.ts';
export {
  MX_MAX_LEGACY,
  MX_MAX_UPNP,
  UNICAST_RESPONSE_WINDOW_MS,
  clampMx,
  parseMx,
  searchResponseWindow,
} from './mx.ts';
export type { SearchDropReason, SearchResponseWindow, SearchResponseWindowInput } from './mx.ts';

// Discovery semantics
export { advertisementSet, searchResponses } from './advertisement-set.ts';
export type { Advertisement, DeviceModel, RootDevice, SearchMatch, ServiceModel } from './advertisement-set.ts';

// Device description (UDA section 2)
export { DEVICE_DESCRIPTION_NAMESPACE } from './device-description.ts';
export type { DescribedDevice, DescribedIcon, DescribedService, DeviceDescription } from './device-description.ts';
export { buildDeviceDescription } from './build-device-description.ts';
export { DEFAULT_DESCRIPTION_LIMITS, parseDeviceDescription } from './parse-device-description.ts';
export type { DescriptionLimits, DescriptionResult } from './parse-device-description.ts';
