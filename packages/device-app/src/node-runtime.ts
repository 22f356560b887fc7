// The real outside world for runCli: UDP, the system clock, Math.random, files, node:http, and the stop request
// of process-entry.ts (a signal, or an unexpected error).
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { createFileStateStore, createHttpDescriptionServer } from '@ssdp/device';
import { createSystemClock } from '@ssdp/runtime';
import { createUdpTransport } from '@ssdp/transport';
import type { CliRuntime } from './run-cli.ts';

/** `shutdown` aborts with the reason to stop ('SIGINT', 'SIGTERM', 'unexpected-error'). */
export function createNodeRuntime(shutdown: AbortSignal): CliRuntime {
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
      // A stop asked for before runCli subscribed (a signal during startup) still counts.
      const handler = () => listener(String(shutdown.reason));
      if (shutdown.aborted) {
        queueMicrotask(handler);
        return () => undefined;
      }
      shutdown.addEventListener('abort', handler, { once: true });
      return () => shutdown.removeEventListener('abort', handler);
    },
  };
}
