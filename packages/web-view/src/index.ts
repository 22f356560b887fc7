// Public surface of @ssdp/web-view: a live web page onto a control point (device table, details, traffic, search),
// on its own guarded HTTP server.
export { attachWebView, WebViewError } from './attach-web-view.ts';
export type { WebView, WebViewStats } from './attach-web-view.ts';
export { resolveWebViewOptions, isLoopbackHost, WEB_VIEW_HTTP_DEFAULTS } from './web-view-options.ts';
export type { WebViewOptions } from './web-view-options.ts';
export { CONTENT_SECURITY_POLICY } from './http-policy.ts';
export type { WebViewSource } from './source.ts';
export { snapshotDevices } from './wire.ts';
export type {
  DeltaMessage,
  DeviceDetails,
  RawMessage,
  SnapshotMessage,
  TrafficEntry,
  WireCounters,
  WireDescribedDevice,
  WireDevice,
  WireService,
} from './wire.ts';
