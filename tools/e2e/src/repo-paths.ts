// Where the things under test live: the two bins run as real processes from the repository's sources.
import { fileURLToPath } from 'node:url';

export const deviceBin = fileURLToPath(new URL('../../../packages/device-app/bin/ssdp-device.js', import.meta.url));
export const controllerBin = fileURLToPath(
  new URL('../../../packages/controller-app/bin/ssdp-controller.js', import.meta.url),
);
/** Peers unpacked by scripts/install-peers.sh (`dpkg -x`, never installed). */
export const peersRoot = fileURLToPath(new URL('../.peers/root/', import.meta.url));
