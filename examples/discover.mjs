// Finds UPnP devices and prints one line each: `node examples/discover.mjs`. One search, MX 2 s.
// Loopback only by default; SSDP_INTERFACES=eth0 (or all) searches a network, SSDP_PORT changes the port.
import { discover } from '@ssdp/control-point';

const interfaces = process.env.SSDP_INTERFACES === 'all' ? 'all' : process.env.SSDP_INTERFACES?.split(',');
const port = Number(process.env.SSDP_PORT ?? 1900);
const devices = await discover({ interfaces, port, mx: 2 });
for (const device of devices) {
  console.log(`${device.friendlyName ?? '(no description)'}  ${device.deviceType}  ${device.address}  ${device.udn}`);
}
console.log(`${devices.length} device(s) found on port ${port}`);
