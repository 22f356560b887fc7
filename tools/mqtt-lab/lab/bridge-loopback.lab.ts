// The library itself (MQTT.js inside @ssdp/mqtt-bridge) against the unpacked mosquitto on 127.0.0.1 (no
// namespaces, no root needed once the broker is unpacked): 50 devices, a kill -9 of the broker, 500 changes while
// it is away, a restart from its saved state, and a fresh view that must read back exactly the registry.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlPointEventMap, DiscoveredDevice } from '@ssdp/control-point';
import { attachMqttBridge, createMqttView, type MqttBridge, type MqttView } from '@ssdp/mqtt-bridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerConfig } from '../src/broker-config.ts';
import { brokerAvailable, brokerEnv, mosquittoBin } from '../src/broker-paths.ts';

const broker = brokerAvailable();

class Source extends EventEmitter<ControlPointEventMap> {
  readonly registry = new Map<string, DiscoveredDevice>();
  devices(): DiscoveredDevice[] {
    return [...this.registry.values()];
  }
  set(udn: string, friendlyName: string): void {
    const known = this.registry.has(udn);
    const device: DiscoveredDevice = {
      udn,
      address: '127.0.0.1',
      interfaceId: 'lo/IPv4',
      location: null,
      locations: [],
      server: null,
      usns: [udn],
      deviceType: null,
      friendlyName,
      manufacturer: null,
      modelName: null,
      bootId: 1,
      configId: 1,
      firstSeen: '2026-01-01T00:00:00.000Z',
      lastSeen: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-01T00:30:00.000Z',
      describe: 'skipped',
      describeError: null,
    };
    this.registry.set(udn, device);
    if (known) this.emit('device-updated', device, ['description']);
    else this.emit('device-added', device);
  }
  remove(udn: string): void {
    const device = this.registry.get(udn)!;
    this.registry.delete(udn);
    this.emit('device-removed', device, 'byebye');
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(!broker.ok)(
  `@ssdp/mqtt-bridge with mosquitto on 127.0.0.1${broker.ok ? '' : ` (SKIPPED: ${broker.reason})`}`,
  () => {
    let dir: string;
    let config: string;
    let url: string;
    let mosquitto: ChildProcess | undefined;
    const closers: (MqttBridge | MqttView)[] = [];

    const startBroker = async (): Promise<void> => {
      const child = spawn(mosquittoBin, ['-c', config], {
        env: { ...process.env, ...brokerEnv },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      mosquitto = child;
      let log = '';
      await new Promise<void>((resolve, reject) => {
        child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
          log += chunk;
          if (/mosquitto version \S+ running/.test(log)) resolve();
        });
        child.once('exit', (code) => reject(new Error(`mosquitto exited (${String(code)}): ${log}`)));
      });
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'ssdp-mqtt-loopback-'));
      const port = await freePort();
      url = `mqtt://127.0.0.1:${port}`;
      config = join(dir, 'mosquitto.conf');
      writeFileSync(
        config,
        brokerConfig({
          listeners: [{ port, bind: '127.0.0.1', auth: 'anonymous' }],
          persistenceDir: dir,
          runAsRoot: process.getuid?.() === 0,
        }),
      );
      await startBroker();
    });

    afterAll(async () => {
      await Promise.all(closers.map((c) => c.close()));
      mosquitto?.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });

    it('after kill -9 and a restart from the saved state, 500 changes made while it was away become exactly the registry', async () => {
      const source = new Source();
      for (let i = 0; i < 50; i++) source.set(`uuid:dev-${i}`, `device ${i}`);
      const bridge = attachMqttBridge(source, {
        url,
        site: 'loop',
        reconnectMinMs: 100,
        reconnectMaxMs: 400,
        staleGraceMs: 60_000,
      });
      closers.push(bridge);
      await until(
        () => bridge.state === 'connected' && bridge.stats().pending === 0 && bridge.stats().inFlight === 0,
        'the bridge publishes 50 devices',
      );
      await new Promise((resolve) => setTimeout(resolve, 1500)); // mosquitto saves every second

      mosquitto!.kill('SIGKILL');
      await until(() => bridge.state === 'reconnecting', 'the bridge sees the broker go');
      for (let i = 0; i < 10; i++) source.remove(`uuid:dev-${i}`);
      for (let i = 50; i < 60; i++) source.set(`uuid:dev-${i}`, `device ${i}`);
      for (let round = 0; round < 10; round++)
        for (let i = 10; i < 58; i++) source.set(`uuid:dev-${i}`, `device ${i} round ${round}`);
      expect(bridge.stats()).toMatchObject({ devices: 50, pending: 50, inFlight: 0 });

      await startBroker();
      await until(
        () => bridge.connection.connects === 2 && bridge.stats().pending === 0 && bridge.stats().inFlight === 0,
        'the bridge resyncs',
      );
      const view = createMqttView({ url, site: 'loop', settleMs: 500 });
      closers.push(view);
      await new Promise<void>((resolve) => view.once('synced', () => resolve()));
      const shown = new Map(view.devices().map((d) => [d.udn, d]));
      const expected = new Map(source.devices().map((d) => [d.udn, { ...d, site: 'loop' }]));
      expect([...shown.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [udn, device] of expected) expect(shown.get(udn), udn).toEqual(device);
      expect(view.sites()).toEqual([{ site: 'loop', status: 'online' }]);
    });
  },
);
