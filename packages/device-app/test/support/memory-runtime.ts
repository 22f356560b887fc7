// A CliRuntime on a MemoryNetwork host: files from a map, an in-memory state store, a stub HTTP server and
// signals the test raises itself.
import { createSystemClock } from '@ssdp/runtime';
import type { TransportOptions } from '@ssdp/transport';
import { MemoryNetwork, createMemoryTransport, seededRandom } from '@ssdp/transport/testing';
import type { CliRuntime } from '../../src/run-cli.ts';
import type { StateStore } from '@ssdp/device';
import {
  createMemoryDescriptionServer,
  createMemoryStateStore,
  type MemoryDescriptionServer,
} from '@ssdp/device/testing';

export interface MemoryRuntime {
  readonly runtime: CliRuntime;
  readonly network: MemoryNetwork;
  readonly stateDirs: string[];
  readonly transportOptions: TransportOptions[];
  readonly http: MemoryDescriptionServer[];
  readonly stateStore: StateStore & { failSaves: boolean };
  signal(name: string): void;
}

export function createMemoryRuntime(files: Record<string, string> = {}): MemoryRuntime {
  const network = new MemoryNetwork({ seed: 3 });
  const host = network.addHost('device', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.2/24' }]);
  const listeners = new Set<(signal: string) => void>();
  const stateStore = createMemoryStateStore();
  const result: MemoryRuntime = {
    network,
    stateDirs: [],
    transportOptions: [],
    http: [],
    stateStore,
    signal: (name) => {
      for (const listener of [...listeners]) listener(name);
    },
    runtime: {
      clock: createSystemClock(),
      random: seededRandom(9),
      env: { XDG_STATE_HOME: '/state' },
      homedir: '/home/test',
      os: { type: 'Linux', release: '6.1.0-test', hostname: 'testhost' },
      readFile(path) {
        const text = files[path];
        if (text === undefined) return Promise.reject(Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' }));
        return Promise.resolve(text);
      },
      createTransport(options) {
        result.transportOptions.push(options);
        return createMemoryTransport(options, { network, host });
      },
      createStateStore(directory) {
        result.stateDirs.push(directory);
        return stateStore;
      },
      createDescriptionServer() {
        const server = createMemoryDescriptionServer();
        result.http.push(server);
        return server;
      },
      onStopSignal(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
  };
  return result;
}
