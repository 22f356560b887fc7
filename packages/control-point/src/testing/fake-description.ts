// What a fake device is: its device model (root, services, embedded devices) from FakeDeviceInit, and the
// description document it would serve for that model.
import { buildDeviceDescription, type DeviceModel } from '@ssdp/protocol';
import type { FakeDeviceInit } from './fake-device.ts';

export function fakeDeviceModel(init: FakeDeviceInit): DeviceModel {
  return {
    udn: `uuid:${init.uuid}`,
    deviceType: init.deviceType ?? 'urn:schemas-upnp-org:device:BinaryLight:1',
    services: (init.services ?? ['urn:schemas-upnp-org:service:SwitchPower:1']).map((serviceType, i) => ({
      serviceType,
      serviceId: `urn:upnp-org:serviceId:S${i}`,
    })),
    devices: (init.embedded ?? []).map((e) => ({ udn: `uuid:${e.uuid}`, deviceType: e.deviceType, services: [] })),
  };
}

export function fakeDescriptionXml(init: FakeDeviceInit, model: DeviceModel, configId: number): string {
  return buildDeviceDescription({
    specVersion: { major: 2, minor: 0 },
    configId,
    device: {
      ...model,
      friendlyName: init.friendlyName ?? `Fake ${init.uuid.slice(0, 4)}`,
      manufacturer: 'Test Corp',
      modelName: 'Fake 1',
      icons: [],
      services: (model.services ?? []).map((s) => ({
        ...s,
        scpdURL: '/scpd.xml',
        controlURL: '/ctl',
        eventSubURL: '/evt',
      })),
      devices: (model.devices ?? []).map((d) => ({
        ...d,
        friendlyName: 'embedded',
        manufacturer: 'Test Corp',
        modelName: 'Fake E',
        icons: [],
        services: [],
        devices: [],
      })),
    },
  });
}
