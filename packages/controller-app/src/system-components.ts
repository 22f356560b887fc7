// The real components: UDP, the system clock and Math.random (descriptions use the library's default fetch).
import os from 'node:os';
import { createSystemClock } from '@ssdp/runtime';
import { createUdpTransport } from '@ssdp/transport';
import type { CliComponents } from './run-cli.ts';

export function createSystemComponents(shutdown?: AbortSignal): CliComponents {
  const clock = createSystemClock();
  return {
    createTransport: (options) => createUdpTransport(options, { clock }),
    clock,
    random: Math.random,
    ...(shutdown === undefined ? {} : { shutdown }),
    os: { type: os.type(), release: os.release() },
  };
}
