// The NOTIFY ssdp:alive set of simulated device i: a root device with one device type and two services (5 USNs:
// upnp:rootdevice, the bare UUID, the device type, two service types), its own address and LOCATION, a shared
// SERVER, BOOTID and CONFIGID, as our ssdp-device would announce a MediaServer.
import { createNotifyAlive, serializeMessage } from '@ssdp/protocol';

export const USNS_PER_DEVICE = 5;

const TARGETS = [
  'upnp:rootdevice',
  '',
  'urn:schemas-upnp-org:device:MediaServer:1',
  'urn:schemas-upnp-org:service:ContentDirectory:1',
  'urn:schemas-upnp-org:service:ConnectionManager:1',
] as const;

export function simulatedUuid(i: number): string {
  return `${(i >>> 0).toString(16).padStart(8, '0')}-5e1f-4d3a-8b2c-0123456789ab`;
}

/** 10.x.y.z from i (unique for i < 2^24). */
export function simulatedAddress(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

export function simulatedAnnouncement(i: number, maxAge: number): { address: string; datagrams: Uint8Array[] } {
  const uuid = simulatedUuid(i);
  const address = simulatedAddress(i);
  const datagrams = TARGETS.map((target) =>
    serializeMessage(
      createNotifyAlive({
        nt: target === '' ? `uuid:${uuid}` : target,
        usn: target === '' ? `uuid:${uuid}` : `uuid:${uuid}::${target}`,
        location: `http://${address}:49152/description.xml`,
        maxAge,
        server: 'Linux/6.1 UPnP/2.0 ssdp-device/0.1.0',
        bootId: 1_764_000_000,
        configId: 1,
      }),
    ),
  );
  return { address, datagrams };
}
