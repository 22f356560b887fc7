// A small scripted UPnP device on a MemoryNetwork, built from protocol's advertisement rules: it answers
// M-SEARCH (immediately, or after a chosen delay) and sends alive/byebye/update when the test says so. It is
// a test double for control points, not a device to ship (that is @ssdp/device).
import {
  advertisementSet,
  createNotifyAlive,
  createNotifyByeBye,
  createNotifyUpdate,
  createSearchResponse,
  parseMessage,
  searchResponses,
  serializeMessage,
  type Advertisement,
  type DeviceModel,
  type SsdpMessage,
} from '@ssdp/protocol';
import { type Datagram, type SsdpTransport } from '@ssdp/transport';
import { createMemoryTransport, type MemoryNetwork } from '@ssdp/transport/testing';
import { fakeDescriptionXml, fakeDeviceModel } from './fake-description.ts';

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
  const model = fakeDeviceModel(init);
  const server = init.server ?? 'Linux/6.1 UPnP/2.0 fake-device/1.0';
  const maxAge = init.maxAge ?? 1800;
  const host = `239.255.255.250:${port}`;
  let address = '';
  const notify = (build: (ad: Advertisement) => SsdpMessage): Promise<void> => notifyEach(transport, model, build);

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
      transport.onDatagram(searchAnswerer(init, device, { maxAge, server }));
    },
    stop: () => transport.stop(),
    alive: () =>
      notify((ad) =>
        createNotifyAlive({
          nt: ad.nt,
          usn: ad.usn,
          location: device.location,
          maxAge,
          server,
          bootId: device.bootId,
          configId: device.configId,
          host,
        }),
      ),
    byebye: () =>
      notify((ad) =>
        createNotifyByeBye({ nt: ad.nt, usn: ad.usn, bootId: device.bootId, configId: device.configId, host }),
      ),
    update: (nextBootId) =>
      notify((ad) =>
        createNotifyUpdate({
          nt: ad.nt,
          usn: ad.usn,
          location: device.location,
          bootId: device.bootId,
          configId: device.configId,
          nextBootId,
          host,
        }),
      ),
    descriptionXml: () => fakeDescriptionXml(init, model, device.configId),
    searchesSeen: [],
  };
  return device;
}

/** Sends the message `build` makes for each advertisement as multicast on every interface, one send at a time. */
async function notifyEach(
  transport: SsdpTransport,
  model: DeviceModel,
  build: (ad: Advertisement) => SsdpMessage,
): Promise<void> {
  for (const ad of advertisementSet(model)) {
    const bytes = serializeMessage(build(ad));
    for (const iface of transport.interfaces) await transport.send(bytes, { kind: 'multicast', interfaceId: iface.id });
  }
}

/** The datagram handler: keeps each M-SEARCH in searchesSeen and answers it (unless told not to), once per match. */
function searchAnswerer(
  init: FakeDeviceInit,
  device: FakeDevice,
  headers: { readonly maxAge: number; readonly server: string },
): (datagram: Datagram) => void {
  const { transport, model, searchesSeen } = device;
  return (datagram) => {
    const parsed = parseMessage(datagram.bytes);
    if (!parsed.ok || parsed.message.kind !== 'm-search') return;
    searchesSeen.push(datagram);
    if (init.answerSearches === false || parsed.message.st === undefined) return;
    searchResponses(model, parsed.message.st).forEach((match, index) => {
      const bytes = serializeMessage(
        createSearchResponse({
          st: match.st,
          usn: match.usn,
          location: device.location,
          maxAge: headers.maxAge,
          date: init.network.clock.now(),
          server: headers.server,
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
  };
}
