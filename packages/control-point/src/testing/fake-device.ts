// A small scripted UPnP device on a MemoryNetwork, built from protocol's advertisement rules: it answers
// M-SEARCH (immediately, or after a chosen delay) and sends alive/byebye/update when the test says so. It is
// a test double for control points, not a device to ship (that is @ssdp/device).
import {
  advertisementSet,
  buildDeviceDescription,
  createNotifyAlive,
  createNotifyByeBye,
  createNotifyUpdate,
  createSearchResponse,
  parseMessage,
  searchResponses,
  serializeMessage,
  type DeviceModel,
} from '@ssdp/protocol';
import { type Datagram, type SsdpTransport } from '@ssdp/transport';
import { createMemoryTransport, type MemoryNetwork } from '@ssdp/transport/testing';

export interface FakeDeviceInit {
  readonly network: MemoryNetwork;
  readonly host: string;
  readonly uuid: string;
  readonly deviceType?: string;
  readonly friendlyName?: string;
  readonly services?: readonly string[];
  readonly embedded?: readonly { uuid: string; deviceType: string }[];
  readonly bootId?: number;
  readonly configId?: number;
  readonly maxAge?: number;
  readonly port?: number;
  readonly interfaces?: readonly string[];
  readonly server?: string;
  /** Delay of each search response, ms (default 0). */
  readonly responseDelayMs?: (index: number) => number;
  readonly answerSearches?: boolean;
}

export interface FakeDevice {
  readonly transport: SsdpTransport;
  readonly model: DeviceModel;
  readonly location: string;
  bootId: number;
  configId: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  alive(): Promise<void>;
  byebye(): Promise<void>;
  update(nextBootId: number): Promise<void>;
  /** The description document this device would serve. */
  descriptionXml(): string;
  readonly searchesSeen: Datagram[];
}

export function createFakeDevice(init: FakeDeviceInit): FakeDevice {
  const port = init.port ?? 1900;
  const transport = createMemoryTransport(
    { interfaces: init.interfaces ?? ['eth0'], families: ['IPv4'], port },
    { network: init.network, host: init.host },
  );
  const deviceType = init.deviceType ?? 'urn:schemas-upnp-org:device:BinaryLight:1';
  const model: DeviceModel = {
    udn: `uuid:${init.uuid}`,
    deviceType,
    services: (init.services ?? ['urn:schemas-upnp-org:service:SwitchPower:1']).map((serviceType, i) => ({
      serviceType,
      serviceId: `urn:upnp-org:serviceId:S${i}`,
    })),
    devices: (init.embedded ?? []).map((e) => ({ udn: `uuid:${e.uuid}`, deviceType: e.deviceType, services: [] })),
  };
  const server = init.server ?? 'Linux/6.1 UPnP/2.0 fake-device/1.0';
  const maxAge = init.maxAge ?? 1800;
  const searchesSeen: Datagram[] = [];
  let address = '';

  const device: FakeDevice = {
    transport,
    model,
    get location() {
      return `http://${address}:8080/${init.uuid}.xml`;
    },
    bootId: init.bootId ?? 1,
    configId: init.configId ?? 1,
    async start() {
      await transport.start();
      address = transport.interfaces[0]!.address;
      transport.onDatagram((datagram) => {
        const parsed = parseMessage(datagram.bytes);
        if (!parsed.ok || parsed.message.kind !== 'm-search') return;
        searchesSeen.push(datagram);
        if (init.answerSearches === false || parsed.message.st === undefined) return;
        const matches = searchResponses(model, parsed.message.st);
        matches.forEach((match, index) => {
          const bytes = serializeMessage(
            createSearchResponse({
              st: match.st,
              usn: match.usn,
              location: device.location,
              maxAge,
              date: init.network.clock.now(),
              server,
              bootId: device.bootId,
              configId: device.configId,
            }),
          );
          const send = () =>
            void transport
              .send(bytes, {
                kind: 'unicast',
                interfaceId: datagram.interfaceId,
                address: datagram.remote.address,
                port: datagram.remote.port,
              })
              .catch(() => undefined);
          const delay = init.responseDelayMs?.(index) ?? 0;
          if (delay > 0) init.network.clock.setTimeout(send, delay);
          else send();
        });
      });
    },
    stop: () => transport.stop(),
    async alive() {
      for (const ad of advertisementSet(model)) {
        const bytes = serializeMessage(
          createNotifyAlive({
            nt: ad.nt,
            usn: ad.usn,
            location: device.location,
            maxAge,
            server,
            bootId: device.bootId,
            configId: device.configId,
            host: `239.255.255.250:${port}`,
          }),
        );
        for (const iface of transport.interfaces)
          await transport.send(bytes, { kind: 'multicast', interfaceId: iface.id });
      }
    },
    async byebye() {
      for (const ad of advertisementSet(model)) {
        const bytes = serializeMessage(
          createNotifyByeBye({
            nt: ad.nt,
            usn: ad.usn,
            bootId: device.bootId,
            configId: device.configId,
            host: `239.255.255.250:${port}`,
          }),
        );
        for (const iface of transport.interfaces)
          await transport.send(bytes, { kind: 'multicast', interfaceId: iface.id });
      }
    },
    async update(nextBootId) {
      for (const ad of advertisementSet(model)) {
        const bytes = serializeMessage(
          createNotifyUpdate({
            nt: ad.nt,
            usn: ad.usn,
            location: device.location,
            bootId: device.bootId,
            configId: device.configId,
            nextBootId,
            host: `239.255.255.250:${port}`,
          }),
        );
        for (const iface of transport.interfaces)
          await transport.send(bytes, { kind: 'multicast', interfaceId: iface.id });
      }
    },
    descriptionXml() {
      return buildDeviceDescription({
        specVersion: { major: 2, minor: 0 },
        configId: device.configId,
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
    },
    searchesSeen,
  };
  return device;
}
