// A stand-in control point for the web view's tests: devices set by the test, events emitted by the test,
// descriptions and resources served from maps.
import { EventEmitter } from 'node:events';
import type {
  ControlPointEvent,
  ControlPointStats,
  DescriptionLookup,
  DiscoveredDevice,
  FetchFromDeviceOptions,
  ResourceLookup,
} from '@ssdp/control-point';
import { parseDeviceDescription } from '@ssdp/protocol';
import type { WebViewSource } from '../src/source.ts';

export function fakeDevice(uuid: string, overrides: Partial<DiscoveredDevice> = {}): DiscoveredDevice {
  const now = Date.now();
  return {
    udn: `uuid:${uuid}`,
    address: '127.0.0.1',
    interfaceId: 'lo/IPv4',
    location: `http://127.0.0.1:9/${uuid}.xml`,
    locations: [`http://127.0.0.1:9/${uuid}.xml`],
    server: 'Linux/6 UPnP/2.0 test/1',
    usns: [`uuid:${uuid}::upnp:rootdevice`, `uuid:${uuid}`],
    deviceType: 'urn:schemas-upnp-org:device:BinaryLight:1',
    friendlyName: `Device ${uuid.slice(0, 4)}`,
    manufacturer: 'Test Corp',
    modelName: 'T1',
    bootId: 1,
    configId: 1,
    firstSeen: new Date(now).toISOString(),
    lastSeen: new Date(now).toISOString(),
    expiresAt: new Date(now + 1_800_000).toISOString(),
    describe: 'described',
    describeError: null,
    ...overrides,
  };
}

export class FakeSource extends EventEmitter implements WebViewSource {
  readonly known = new Map<string, DiscoveredDevice>();
  readonly descriptions = new Map<string, string>();
  readonly resources = new Map<string, Uint8Array>();
  readonly searches: (string | undefined)[] = [];
  readonly fetched: string[] = [];
  stats: ControlPointStats = {
    datagrams: 0,
    searchesSent: 0,
    sendErrors: 0,
    ignored: 0,
    unknown: 0,
    dropped: {},
    evicted: 0,
    describeStarted: 0,
    describeFailed: 0,
  } as ControlPointStats;

  emitEvent(event: ControlPointEvent): void {
    this.emit('event', event);
  }

  /** Adds (or replaces) a device and emits its device-added. */
  add(device: DiscoveredDevice): void {
    this.known.set(device.udn, device);
    this.emitEvent({ ...device, event: 'device-added', time: new Date().toISOString() });
  }

  remove(udn: string, reason: 'byebye' | 'expired' | 'evicted' = 'byebye'): void {
    const device = this.known.get(udn);
    if (device === undefined) return;
    this.known.delete(udn);
    this.emitEvent({ ...device, event: 'device-removed', reason, time: new Date().toISOString() });
  }

  devices(): DiscoveredDevice[] {
    return [...this.known.values()];
  }

  device(udn: string): DiscoveredDevice | undefined {
    return this.known.get(udn);
  }

  async search(target?: string): Promise<void> {
    if (target !== undefined && !/^(ssdp:all|upnp:rootdevice|uuid:.+|urn:.+)$/.test(target))
      throw new Error(`target: not a search target: ${target}`);
    this.searches.push(target);
  }

  async fetchDescription(udn: string): Promise<DescriptionLookup> {
    const device = this.known.get(udn);
    const xml = device?.location === null || device === undefined ? undefined : this.descriptions.get(device.location);
    if (device === undefined || xml === undefined) return { ok: false, reason: 'http-status', detail: 'HTTP 404' };
    this.fetched.push(device.location!);
    const parsed = parseDeviceDescription(xml);
    if (!parsed.ok) return { ok: false, reason: 'invalid-description', detail: parsed.error.message };
    return { ok: true, url: device.location!, description: parsed.description, device: parsed.description.device };
  }

  async fetchFromDevice(udn: string, url: string, options?: FetchFromDeviceOptions): Promise<ResourceLookup> {
    this.fetched.push(url);
    const body = this.resources.get(url);
    if (!this.known.has(udn) || body === undefined) return { ok: false, reason: 'http-status', detail: 'HTTP 404' };
    if (body.byteLength > (options?.maxBytes ?? 65_536)) return { ok: false, reason: 'too-large', detail: 'too large' };
    return { ok: true, url, body };
  }
}
