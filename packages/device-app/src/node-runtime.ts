// The real outside world for runCli: UDP, the system clock, Math.random, files, node:http and process signals.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { createFileStateStore, createHttpDescriptionServer } from '@ssdp/device';
import { createSystemClock, createUdpTransport } from '@ssdp/transport';
import type { CliRuntime } from './run-cli.ts';

export function createNodeRuntime(): CliRuntime {
  const clock = createSystemClock();
  return {
    clock,
    random: Math.random,
    env: process.env,
    homedir: os.homedir(),
    os: { type: os.type(), release: os.release(), hostname: os.hostname() },
    readFile: (path) => readFile(path, 'utf8'),
    createTransport: (options) => createUdpTransport(options, { clock }),
    createStateStore: createFileStateStore,
    createDescriptionServer: createHttpDescriptionServer,
    onStopSignal(listener) {
      const handler = (signal: NodeJS.Signals) => listener(signal);
      process.once('SIGINT', handler);
      process.once('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
  };
}
