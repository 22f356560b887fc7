// What the web view needs of a control point. A ControlPoint from @ssdp/control-point is one; tests and the
// benchmark pass a stand-in.
import type {
  ControlPointEvent,
  ControlPointStats,
  DescriptionLookup,
  DiscoveredDevice,
  FetchFromDeviceOptions,
  ResourceLookup,
} from '@ssdp/control-point';

export interface WebViewSource {
  on(event: 'event', listener: (event: ControlPointEvent) => void): unknown;
  off(event: 'event', listener: (event: ControlPointEvent) => void): unknown;
  devices(): DiscoveredDevice[];
  device(udn: string): DiscoveredDevice | undefined;
  search(target?: string): Promise<void>;
  readonly stats: Readonly<ControlPointStats>;
  fetchDescription(udn: string, options?: { readonly signal?: AbortSignal }): Promise<DescriptionLookup>;
  fetchFromDevice(udn: string, url: string, options?: FetchFromDeviceOptions): Promise<ResourceLookup>;
}
