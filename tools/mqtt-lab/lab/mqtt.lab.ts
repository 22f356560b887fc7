// The MQTT bridge against a real broker: Debian's mosquitto (unpacked by scripts/unpack-broker.sh, never
// installed) in a network-namespace lab of two links. Each link has its devices and an `ssdp-controller --mqtt`;
// the broker host sits on both links, and an `ssdp-controller --from-mqtt` view runs next to it. The scenario runs
// in order: aggregate, a device leaves, the broker is killed and restarted while the registry changes, a
// controller is killed, then passwords and TLS.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startController, startDevice, type DeviceProcess } from '@ssdp/e2e/src/apps.ts';
import { startInHost, type HostProcess } from '@ssdp/e2e/src/host-process.ts';
import type { JsonEvent } from '@ssdp/e2e/src/ndjson.ts';
import { controllerBin } from '@ssdp/e2e/src/repo-paths.ts';
import { describeRun, runInHost } from '@ssdp/e2e/src/run-in-host.ts';
import { createNetnsLab, netnsAvailable, type NetnsLab } from '@ssdp/netns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerConfig, type ListenerInit } from '../src/broker-config.ts';
import { brokerAvailable } from '../src/broker-paths.ts';
import { startBroker } from '../src/broker-process.ts';
import { makeCertificates, makePasswordFile, type Certificates } from '../src/credentials.ts';
import { controllerRegistry, registryDiff, viewState, type DeviceRecord } from '../src/registries.ts';

const netns = netnsAvailable();
const broker = brokerAvailable();
const skip = !netns.ok ? ` (SKIPPED: ${netns.reason})` : !broker.ok ? ` (SKIPPED: ${broker.reason})` : '';
const NO_CREDENTIALS = { SSDP_MQTT_USERNAME: '', SSDP_MQTT_PASSWORD: '' };

describe.skipIf(skip !== '')(
  `ssdp-controller --mqtt / --from-mqtt with mosquitto ${broker.ok ? broker.version : ''} in namespaces${skip}`,
  () => {
    let lab: NetnsLab;
    let dir: string;
    let configFile: string;
    let certs: Certificates;
    let mosquitto: HostProcess;
    let east: string; // the broker's address on the east link
    let west: string;
    const running: HostProcess[] = [];
    const track = <T extends HostProcess>(p: T): T => {
      running.push(p);
      return p;
    };
    const devices = new Map<string, DeviceProcess>();
    const controllers = new Map<string, HostProcess>();
    let view: HostProcess;

    const device = async (name: string, host: string, friendlyName: string) => {
      const started = track(
        await startDevice(lab, host, ['--interface', 'eth0', '--state-dir', join(dir, name), '--name', friendlyName]),
      );
      devices.set(name, started);
      return started;
    };
    const udnOf = (name: string) => devices.get(name)!.started.devices[0]!.udn;
    const fromMqtt = (args: readonly string[], env: Record<string, string> = NO_CREDENTIALS) =>
      track(
        startInHost(lab, 'broker', process.execPath, [controllerBin, '--json', '--from-mqtt', ...args], {
          label: `broker: --from-mqtt ${args.join(' ')}`,
          env,
        }),
      );
    /** Both controllers' registries as the broker should hold them, keyed `site udn`. */
    const expectedRegistry = (): Map<string, DeviceRecord> =>
      new Map([
        ...controllerRegistry(controllers.get('east')!.events, 'east'),
        ...controllerRegistry(controllers.get('west')!.events, 'west'),
      ]);
    const mqttStates = (p: HostProcess) => p.events.filter((e) => e.event === 'mqtt-state');
    const waitUntil = async (check: () => boolean, what: string, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    beforeAll(async () => {
      lab = await createNetnsLab({
        prefix: 'ssdpmq',
        links: [{ name: 'east' }, { name: 'west' }],
        hosts: [
          { name: 'broker', links: ['east', 'west'] },
          { name: 'edev', links: ['east'] },
          { name: 'ecp', links: ['east'] },
          { name: 'wdev', links: ['west'] },
          { name: 'wcp', links: ['west'] },
        ],
      });
      dir = mkdtempSync(join(tmpdir(), 'ssdp-mqtt-lab-'));
      [east, west] = lab.host('broker').interfaces.map((i) => i.address) as [string, string];
      certs = makeCertificates(dir, [east, west, '127.0.0.1']);
      const passwordFile = makePasswordFile(dir, { alice: 'secret' });
      // Anonymous on 1883, password on 1884, TLS on 8883: each on the broker's two link addresses and its loopback,
      // all inside the broker's namespace.
      const listeners: ListenerInit[] = [east, west, '127.0.0.1'].flatMap((bind) => [
        { port: 1883, bind, auth: 'anonymous' as const },
        { port: 1884, bind, auth: 'password' as const },
        {
          port: 8883,
          bind,
          auth: 'anonymous' as const,
          tls: { caFile: certs.caFile, certFile: certs.certFile, keyFile: certs.keyFile },
        },
      ]);
      configFile = join(dir, 'mosquitto.conf');
      writeFileSync(
        configFile,
        brokerConfig({ listeners, passwordFile, persistenceDir: dir, runAsRoot: process.getuid?.() === 0 }),
      );
      mosquitto = await startBroker(lab, 'broker', configFile);
    });

    afterAll(async () => {
      await Promise.all(running.map((p) => p.stop('SIGTERM', 3000)));
      await mosquitto?.stop('SIGTERM', 3000);
      await lab?.destroy();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    it('two links, a controller publishing each, and an aggregating --from-mqtt view sees both sites', async () => {
      await device('lamp', 'edev', 'East Lamp');
      await device('tv', 'edev', 'East TV');
      await device('nas', 'wdev', 'West NAS');
      controllers.set(
        'east',
        track(startController(lab, 'ecp', ['--interface', 'eth0', '--mqtt', `mqtt://${east}:1883`, '--site', 'east'])),
      );
      controllers.set(
        'west',
        track(startController(lab, 'wcp', ['--interface', 'eth0', '--mqtt', `mqtt://${west}:1883`, '--site', 'west'])),
      );
      view = fromMqtt(['mqtt://127.0.0.1:1883']);

      const wanted = [`east ${udnOf('lamp')}`, `east ${udnOf('tv')}`, `west ${udnOf('nas')}`];
      await waitUntil(
        () => {
          const shown = viewState(view.events).devices;
          return wanted.every((key) => shown.get(key)?.['describe'] === 'described');
        },
        `the view shows ${wanted.join(', ')} described\n${view.transcript()}`,
        20_000,
      );
      const state = viewState(view.events);
      expect([...state.devices.keys()].sort()).toEqual(wanted.sort());
      expect(state.devices.get(`west ${udnOf('nas')}`)).toMatchObject({ friendlyName: 'West NAS', site: 'west' });
      expect(Object.fromEntries(state.sites)).toEqual({ east: 'online', west: 'online' });
      // Each link's controller sees only its own link: the sites are really apart.
      expect([...controllerRegistry(controllers.get('east')!.events, 'east').keys()].sort()).toEqual(
        wanted.slice(0, 2).sort(),
      );
      expect(registryDiff(expectedRegistry(), viewState(view.events).devices)).toEqual([]);
      for (const controller of controllers.values())
        expect(mqttStates(controller).map((e) => e['state'])).toEqual(['connecting', 'connected']);
    });

    it('a device that stops on one link leaves the aggregate within 2 s', async () => {
      const udn = udnOf('lamp');
      const since = view.mark();
      const stoppedAt = Date.now();
      await devices.get('lamp')!.stop('SIGTERM');
      const removed = await view.waitForEvent(
        (e) => e.event === 'device-removed' && e['udn'] === udn,
        'East Lamp removed from the view',
        { since, timeoutMs: 5000 },
      );
      const elapsed = view.receivedAt(removed) - stoppedAt;
      console.log(`mqtt-lab: East Lamp stopped -> gone from the aggregate in ${elapsed} ms`);
      expect(removed).toMatchObject({ site: 'east', reason: 'cleared' });
      expect(elapsed).toBeLessThan(2000);
    });

    it('kill -9 the broker and restart it while a device is added and another removed: the retained state equals the registry', async () => {
      // mosquitto saves its retained messages every second: the restart loads the state from before the outage.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      mosquitto.signal('SIGKILL');
      await mosquitto.exited;
      const eastCtl = controllers.get('east')!;
      const westCtl = controllers.get('west')!;
      for (const controller of [eastCtl, westCtl])
        await controller.waitForEvent(
          (e) => e.event === 'mqtt-state' && e['state'] === 'reconnecting',
          'controller sees the broker go',
          { timeoutMs: 20_000 },
        );

      // Discovery goes on without the broker: West Camera appears, East TV leaves.
      const tv = udnOf('tv');
      await devices.get('tv')!.stop('SIGTERM');
      await eastCtl.waitForEvent(
        (e) => e.event === 'device-removed' && e['udn'] === tv,
        'east controller: East TV removed',
        { timeoutMs: 10_000 },
      );
      await device('camera', 'wdev', 'West Camera');
      const camera = udnOf('camera');
      await westCtl.waitForEvent(
        (e) => e['udn'] === camera && e['describe'] === 'described',
        'west controller: West Camera described',
        { timeoutMs: 15_000 },
      );

      const downFor = Date.now();
      mosquitto = await startBroker(lab, 'broker', configFile);
      for (const controller of [eastCtl, westCtl]) {
        await controller.waitForEvent(
          (e) => e.event === 'mqtt-state' && e['state'] === 'connected' && e['connects'] === 2,
          'controller reconnected',
          { timeoutMs: 45_000 },
        );
      }
      console.log(`mqtt-lab: both controllers reconnected ${Date.now() - downFor} ms after the broker restarted`);

      // A fresh subscriber reads the broker's retained state: exactly the two registries, no ghost, no gap.
      const expected = expectedRegistry();
      expect([...expected.keys()].sort()).toEqual([`west ${udnOf('nas')}`, `west ${camera}`].sort());
      let diff: string[] = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        const probe = await runInHost(
          lab,
          'broker',
          process.execPath,
          [controllerBin, '--json', '--from-mqtt', 'mqtt://127.0.0.1:1883', '--duration', '2'],
          { timeoutMs: 20_000, env: NO_CREDENTIALS },
        );
        expect(probe.code, describeRun(probe)).toBe(0);
        const events = probe.stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as JsonEvent);
        diff = registryDiff(expectedRegistry(), viewState(events).devices);
        if (diff.length === 0) break;
      }
      expect(diff).toEqual([]);
      // The long-running view went through the outage too and shows the same.
      await waitUntil(
        () => registryDiff(expectedRegistry(), viewState(view.events).devices).length === 0,
        `the view converges\n${registryDiff(expectedRegistry(), viewState(view.events).devices).join('\n')}`,
        15_000,
      );
    });

    it('kill -9 a controller: the broker publishes its last will, and the site shows offline', async () => {
      const since = view.mark();
      const killedAt = Date.now();
      controllers.get('east')!.signal('SIGKILL');
      const offline = await view.waitForEvent(
        (e) => e.event === 'site-status' && e['site'] === 'east' && e['status'] === 'offline',
        'site east offline',
        { since, timeoutMs: 30_000 },
      );
      console.log(`mqtt-lab: east controller killed -> site offline in ${view.receivedAt(offline) - killedAt} ms`);
      expect(viewState(view.events).sites.get('west')).toBe('online');
    });

    it('username and password: right ones connect, wrong ones end with one line and exit 2', async () => {
      await device('fan', 'edev', 'East Fan');
      const good = { SSDP_MQTT_USERNAME: 'alice', SSDP_MQTT_PASSWORD: 'secret' };
      const publisher = track(
        startInHost(
          lab,
          'ecp',
          process.execPath,
          [controllerBin, '--json', '--interface', 'eth0', '--mqtt', `mqtt://${east}:1884`, '--site', 'east-auth'],
          { env: good },
        ),
      );
      const reader = fromMqtt(['mqtt://127.0.0.1:1884', '--site', 'east-auth'], good);
      await reader.waitForEvent(
        (e) => e.event === 'device-added' && e['udn'] === udnOf('fan') && e['site'] === 'east-auth',
        'East Fan through the password listener',
        { timeoutMs: 20_000 },
      );
      expect(mqttStates(publisher).at(-1)).toMatchObject({ state: 'connected', url: `mqtt://${east}:1884` });

      const wrong = await runInHost(
        lab,
        'ecp',
        process.execPath,
        [controllerBin, '--interface', 'eth0', '--mqtt', `mqtt://${east}:1884`, '--site', 'x'],
        { env: { SSDP_MQTT_USERNAME: 'alice', SSDP_MQTT_PASSWORD: 'wrong' } },
      );
      expect(wrong.code, describeRun(wrong)).toBe(2);
      expect(wrong.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          new RegExp(
            `^ssdp-controller: mqtt://${east.replaceAll('.', '\\.')}:1884 refused the connection: not authorized \\(CONNACK 5\\).*SSDP_MQTT_USERNAME`,
          ),
        ),
      ]);
      console.log(
        `mqtt-lab: refused credentials -> ${JSON.stringify(wrong.stderr.trim())}, exit ${wrong.code} after ${wrong.durationMs} ms`,
      );
      const anonymous = await runInHost(
        lab,
        'broker',
        process.execPath,
        [controllerBin, '--from-mqtt', 'mqtt://127.0.0.1:1884'],
        { env: NO_CREDENTIALS },
      );
      expect(anonymous.code, describeRun(anonymous)).toBe(2);
      expect(anonymous.stderr.trim().split('\n')).toHaveLength(1);
    });

    it("TLS with the test's CA: publish and view over mqtts://; another CA ends with one line and exit 2", async () => {
      const publisher = track(
        startInHost(
          lab,
          'ecp',
          process.execPath,
          [
            controllerBin,
            '--json',
            '--interface',
            'eth0',
            '--mqtt',
            `mqtts://${east}:8883`,
            '--mqtt-ca',
            certs.caFile,
            '--site',
            'east-tls',
          ],
          { env: NO_CREDENTIALS },
        ),
      );
      const reader = fromMqtt(['mqtts://127.0.0.1:8883', '--mqtt-ca', certs.caFile, '--site', 'east-tls']);
      await reader.waitForEvent(
        (e) => e.event === 'device-added' && e['udn'] === udnOf('fan') && e['site'] === 'east-tls',
        'East Fan over TLS',
        { timeoutMs: 20_000 },
      );
      expect(mqttStates(publisher).at(-1)).toMatchObject({ state: 'connected', url: `mqtts://${east}:8883` });

      const untrusted = await runInHost(
        lab,
        'broker',
        process.execPath,
        [controllerBin, '--from-mqtt', 'mqtts://127.0.0.1:8883', '--mqtt-ca', certs.otherCaFile],
        { env: NO_CREDENTIALS },
      );
      expect(untrusted.code, describeRun(untrusted)).toBe(2);
      expect(untrusted.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^ssdp-controller: mqtts:\/\/127\.0\.0\.1:8883: the broker's certificate is not trusted .*--mqtt-ca/,
        ),
      ]);
      console.log(`mqtt-lab: untrusted CA -> ${JSON.stringify(untrusted.stderr.trim())}`);
    });
  },
);
