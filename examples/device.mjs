// A UPnP device you can run: `node examples/device.mjs`. Ctrl-C or SIGTERM sends its byebye, then it exits.
// Loopback only by default; SSDP_INTERFACES=eth0 (or all) puts it on a network, SSDP_PORT/SSDP_NAME change it.
import { createDevice } from '@ssdp/device';

const interfaces = process.env.SSDP_INTERFACES === 'all' ? 'all' : process.env.SSDP_INTERFACES?.split(',');
const port = Number(process.env.SSDP_PORT ?? 1900);
const friendlyName = process.env.SSDP_NAME ?? 'Example Lamp';
const device = createDevice({
  interfaces,
  port,
  friendlyName,
  deviceType: 'urn:schemas-upnp-org:device:BinaryLight:1',
});
await device.start();
console.log(`"${friendlyName}" is up: ${device.udn} on port ${port}`);

async function stop() {
  await device.stop(); // resolves once every ssdp:byebye is sent
  console.log(`"${friendlyName}" stopped, byebye sent`);
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
