// The real components: UDP, the system clock, Math.random, fetch (node:http for zoned IPv6 link-local).
import os from 'node:os';
import { createSystemClock, createUdpTransport } from '@ssdp/transport';
import { createSystemHttpGet, preloadFetch } from './http-get.ts';
import type { CliComponents } from './run-cli.ts';

export function createSystemComponents(shutdown?: AbortSignal): CliComponents {
  const clock = createSystemClock();
  return {
    createTransport: (options) => createUdpTransport(options, { clock }),
    clock,
    random: Math.random,
    httpGet: createSystemHttpGet(),
    preloadHttp: () => void preloadFetch(),
    ...(shutdown === undefined ? {} : { shutdown }),
    os: { type: os.type(), release: os.release() },
  };
}
