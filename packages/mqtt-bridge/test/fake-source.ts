// A registry source for the bridge's unit tests: the events and devices() of a ControlPoint, driven by hand.
import { EventEmitter } from 'node:events';
import type { ControlPointEventMap, DiscoveredDevice } from '@ssdp/control-point';

export function makeDevice(udn: string, friendlyName: string, extra: Partial<DiscoveredDevice> = {}): DiscoveredDevice {
  return {
    udn,
    address: '10.77.0.2',
    interfaceId: 'eth0/IPv4',
    location: `http://10.77.0.2:8080/${udn}.xml`,
    locations: [`http://10.77.0.2:8080/${udn}.xml`],
    server: 'Linux/6 UPnP/2.0 test/1',
    usns: [udn, `${udn}::upnp:rootdevice`],
    deviceType: 'urn:schemas-upnp-org:device:Basic:1',
    friendlyName,
    manufacturer: null,
    modelName: null,
    bootId: 1,
    configId: 1,
    firstSeen: '2026-01-01T00:00:00.000Z',
    lastSeen: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-01T00:30:00.000Z',
    describe: 'described',
    describeError: null,
    ...extra,
  };
}

export class FakeSource extends EventEmitter<ControlPointEventMap> {
  readonly registry = new Map<string, DiscoveredDevice>();

  devices(): DiscoveredDevice[] {
    return [...this.registry.values()];
  }

  add(device: DiscoveredDevice): void {
    this.registry.set(device.udn, device);
    this.emit('device-added', device);
  }

  update(device: DiscoveredDevice, changes: string[] = ['description']): void {
    this.registry.set(device.udn, device);
    this.emit('device-updated', device, changes);
  }

  remove(udn: string): void {
    const device = this.registry.get(udn);
    if (device === undefined) throw new Error(`no ${udn}`);
    this.registry.delete(udn);
    this.emit('device-removed', device, 'byebye');
  }
}
