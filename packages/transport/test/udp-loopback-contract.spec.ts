import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { transportContract, type ContractHost } from '../src/contract/index.ts';
import { createUdpTransport } from '../src/udp-transport.ts';

// Real UDP on loopback only (127.0.0.1, multicast interface 127.0.0.1) and a random free port per test, so
// nothing leaves this host and parallel runs do not see each other.

async function freePort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

function loopbackIpv6Reason(): true | string {
  try {
    const flags = Number.parseInt(readFileSync('/sys/class/net/lo/flags', 'utf8'), 16);
    if ((flags & 0x1000) === 0)
      return 'lo has no MULTICAST flag, so IPv6 multicast on loopback fails (ENETUNREACH); the netns suite covers IPv6';
  } catch {
    return 'cannot read the flags of lo; the netns suite covers IPv6';
  }
  return 'IPv6 link-local needs a real link; the netns suite covers it';
}

const loopback: ContractHost = {
  create: (options) => createUdpTransport({ interfaces: ['127.0.0.1'], interfacePollMs: 0, ...options }),
  occupyPort: async (port) => {
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, '127.0.0.1', () => resolve());
    });
    return { release: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
  },
};

transportContract('UDP on loopback', {
  async setup() {
    return {
      hosts: [loopback, loopback, loopback],
      port: await freePort(),
      settleMs: 50,
      ipv6: loopbackIpv6Reason(),
      broadcast: true,
    };
  },
  async teardown() {},
});

// The same contract with the unicast sockets read on the reader thread (readInWorker).
const loopbackInWorker: ContractHost = {
  ...loopback,
  create: (options) =>
    createUdpTransport({ interfaces: ['127.0.0.1'], interfacePollMs: 0, readInWorker: true, ...options }),
};

transportContract('UDP on loopback, unicast read in a worker', {
  async setup() {
    return {
      hosts: [loopbackInWorker, loopbackInWorker, loopbackInWorker],
      port: await freePort(),
      settleMs: 50,
      ipv6: loopbackIpv6Reason(),
      broadcast: true,
    };
  },
  async teardown() {},
});
