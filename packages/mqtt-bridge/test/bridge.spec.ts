import { afterEach, describe, expect, it, vi } from 'vitest';
import { attachMqttBridge, type MqttBridge, type MqttBridgeOptions } from '../src/index.ts';
import { MqttBridgeError } from '../src/errors.ts';
import { FakeBroker, type FakeClient } from '../src/testing/index.ts';
import { FakeSource, makeDevice } from './fake-source.ts';

const devicesOf = (broker: FakeBroker, site = 'lab') =>
  new Map(
    [...broker.retainedMatching(`ssdp/${site}/devices/+`)].map(([topic, payload]) => [
      topic,
      JSON.parse(payload) as { udn: string; friendlyName: string; site: string },
    ]),
  );

/** The registry as the broker should hold it: topic -> device plus site. */
const expected = (source: FakeSource, site = 'lab') =>
  new Map(source.devices().map((d) => [`ssdp/${site}/devices/${d.udn}`, { ...d, site }]));

describe('attachMqttBridge (fake broker)', () => {
  let bridge: MqttBridge | undefined;
  afterEach(async () => {
    await bridge?.close();
    bridge = undefined;
  });
  const attach = (source: FakeSource, broker: FakeBroker, options: Partial<MqttBridgeOptions> = {}) => {
    bridge = attachMqttBridge(
      source,
      { url: 'mqtt://broker.test', site: 'lab', reconnectMinMs: 10, reconnectMaxMs: 80, staleGraceMs: 50, ...options },
      { connect: broker.connect },
    );
    return bridge;
  };
  const connected = (b: MqttBridge) => vi.waitFor(() => expect(b.state).toBe('connected'));
  const settled = (b: MqttBridge) => vi.waitFor(() => expect(b.stats()).toMatchObject({ pending: 0, inFlight: 0 }));

  it('publishes every device retained at PREFIX/SITE/devices/UDN with its site, and the site online with an offline will', async () => {
    const broker = new FakeBroker();
    const source = new FakeSource();
    source.add(makeDevice('uuid:a', 'Lamp'));
    const b = attach(source, broker);
    expect(b.state).toBe('connecting');
    await connected(b);
    source.add(makeDevice('uuid:b', 'TV'));
    await settled(b);
    expect(devicesOf(broker)).toEqual(expected(source));
    expect(broker.retained.get('ssdp/lab/status')).toBe('online');
    const client = [...broker.clients][0]!;
    expect(client.init.will).toEqual({ topic: 'ssdp/lab/status', payload: 'offline' });
    expect(broker.log.filter((m) => m.topic.includes('/devices/')).every((m) => m.retain)).toBe(true);
  });

  it('republishes a changed device and clears a removed one with an empty retained message', async () => {
    const broker = new FakeBroker();
    const source = new FakeSource();
    const b = attach(source, broker);
    await connected(b);
    source.add(makeDevice('uuid:a', 'Lamp'));
    source.add(makeDevice('uuid:b', 'TV'));
    await settled(b);
    source.update(makeDevice('uuid:a', 'Kitchen Lamp'));
    source.remove('uuid:b');
    await settled(b);
    expect(devicesOf(broker)).toEqual(expected(source));
    expect(devicesOf(broker).get('ssdp/lab/devices/uuid:a')?.friendlyName).toBe('Kitchen Lamp');
    expect(broker.log.at(-1)).toMatchObject({ topic: 'ssdp/lab/devices/uuid:b', payload: '', retain: true });
  });

  it('encodes / + # and % of a UDN within one topic level', async () => {
    const broker = new FakeBroker();
    const source = new FakeSource();
    const b = attach(source, broker);
    source.add(makeDevice('legacy/1+2#3%@10.0.0.1', 'Legacy'));
    await connected(b);
    await settled(b);
    expect([...broker.retained.keys()]).toContain('ssdp/lab/devices/legacy%2F1%2B2%233%25@10.0.0.1');
  });

  it('a clean close publishes offline itself; a crash leaves it to the will', async () => {
    const broker = new FakeBroker();
    const b = attach(new FakeSource(), broker);
    await connected(b);
    await b.close();
    expect(b.state).toBe('closed');
    expect(broker.retained.get('ssdp/lab/status')).toBe('offline');
    expect(broker.log.filter((m) => m.clientId === '(will)')).toEqual([]);

    const other = attachMqttBridge(
      new FakeSource(),
      { url: 'mqtt://broker.test', site: 'crash' },
      { connect: broker.connect },
    );
    await connected(other);
    expect(broker.retained.get('ssdp/crash/status')).toBe('online');
    ([...broker.clients].find((c) => c.init.will?.topic === 'ssdp/crash/status') as FakeClient).crash();
    expect(broker.retained.get('ssdp/crash/status')).toBe('offline');
    expect(broker.log.at(-1)?.clientId).toBe('(will)');
  });

  for (const loseRetained of [true, false]) {
    it(`after a broker outage (${loseRetained ? 'retained lost' : 'retained kept'}) the retained state equals the registry: no ghost, no gap`, async () => {
      const broker = new FakeBroker();
      const source = new FakeSource();
      for (const name of ['a', 'b', 'c']) source.add(makeDevice(`uuid:${name}`, name));
      const b = attach(source, broker);
      await connected(b);
      await settled(b);
      const states: string[] = [];
      b.on('state', (s) => states.push(s.state));

      broker.stop({ loseRetained });
      await vi.waitFor(() => expect(b.state).toBe('reconnecting'));
      // Discovery goes on: one added, one removed, one changed while the broker is away (the fake throws on any
      // publish while disconnected, so nothing is queued behind our back).
      source.add(makeDevice('uuid:d', 'd'));
      source.remove('uuid:b');
      source.update(makeDevice('uuid:c', 'c2'));
      expect(b.stats().pending).toBe(3);
      const before = broker.log.length;
      broker.start();
      await connected(b);
      await settled(b);
      expect(devicesOf(broker)).toEqual(expected(source));
      expect(broker.retained.get('ssdp/lab/status')).toBe('online');
      expect(states).toEqual(['reconnecting', 'connected']);
      expect(b.stats().connection.connects).toBe(2);
      // The resync: the status, the three devices, and one clear for b.
      expect(
        broker.log
          .slice(before)
          .map((m) => `${m.topic}=${m.payload === '' ? '(clear)' : 'json'}`)
          .sort(),
      ).toEqual(
        [
          'ssdp/lab/status=json',
          'ssdp/lab/devices/uuid:a=json',
          'ssdp/lab/devices/uuid:b=(clear)',
          'ssdp/lab/devices/uuid:c=json',
          'ssdp/lab/devices/uuid:d=json',
        ].sort(),
      );
    });
  }

  it('keeps the latest state per device while disconnected, not the events: 3000 changes make 100 publishes on reconnect', async () => {
    const broker = new FakeBroker();
    const source = new FakeSource();
    for (let i = 0; i < 100; i++) source.add(makeDevice(`uuid:${i}`, `n${i}`));
    const b = attach(source, broker);
    await connected(b);
    await settled(b);
    broker.stop({ loseRetained: true });
    await vi.waitFor(() => expect(b.state).toBe('reconnecting'));
    for (let round = 0; round < 30; round++)
      for (let i = 0; i < 100; i++) source.update(makeDevice(`uuid:${i}`, `n${i} r${round}`));
    expect(b.stats()).toMatchObject({ devices: 100, pending: 100 });
    const before = broker.log.length;
    broker.start();
    await connected(b);
    await settled(b);
    expect(broker.log.slice(before).filter((m) => m.topic.includes('/devices/'))).toHaveLength(100);
    expect(devicesOf(broker)).toEqual(expected(source));
  });

  it('has at most maxInFlight publishes unacknowledged', async () => {
    const broker = new FakeBroker();
    const source = new FakeSource();
    const b = attach(source, broker, { maxInFlight: 10 });
    await connected(b);
    broker.holdAcks = true;
    for (let i = 0; i < 50; i++) source.add(makeDevice(`uuid:${i}`, `n${i}`));
    await vi.waitFor(() => expect(broker.heldAcks).toHaveLength(10));
    expect(b.stats()).toMatchObject({ inFlight: 10, pending: 40 });
    broker.holdAcks = false;
    broker.releaseAcks();
    await settled(b);
    expect(devicesOf(broker).size).toBe(50);
  });

  it('backs off: the reconnect period doubles up to the maximum and starts again after a connect', async () => {
    const broker = new FakeBroker();
    const b = attach(new FakeSource(), broker, { reconnectMinMs: 10, reconnectMaxMs: 40 });
    await connected(b);
    const client = [...broker.clients][0]!;
    broker.stop({ loseRetained: false });
    const periods: number[] = [];
    const sample = setInterval(() => periods.push(client.reconnectPeriod), 2);
    await new Promise((resolve) => setTimeout(resolve, 150));
    clearInterval(sample);
    expect([...new Set(periods)]).toEqual([10, 20, 40]);
    broker.start();
    await connected(b);
    expect(client.reconnectPeriod).toBe(10);
  });

  it('refused credentials are fatal: a typed error, state failed, no more attempts', async () => {
    const broker = new FakeBroker();
    broker.credentials = { username: 'alice', password: 'secret' };
    const b = attach(new FakeSource(), broker, { username: 'alice', password: 'wrong' });
    const failed = new Promise<MqttBridgeError>((resolve) => b.on('failed', resolve));
    const error = await failed;
    expect(error).toBeInstanceOf(MqttBridgeError);
    expect(error.code).toBe('SSDP_ERR_MQTT_REFUSED');
    expect(error.message).toMatch(/mqtt:\/\/broker\.test:1883 refused the connection: not authorized/);
    expect(b.state).toBe('failed');
    expect(broker.clients.size).toBe(0);
  });

  it('right credentials connect', async () => {
    const broker = new FakeBroker();
    broker.credentials = { username: 'alice', password: 'secret' };
    const b = attach(new FakeSource(), broker, { username: 'alice', password: 'secret' });
    await connected(b);
  });

  it("clears an earlier run's retained devices that do not come back within the grace time", async () => {
    const broker = new FakeBroker();
    broker.retained.set('ssdp/lab/devices/uuid:gone', JSON.stringify(makeDevice('uuid:gone', 'gone')));
    broker.retained.set('ssdp/lab/devices/uuid:back', JSON.stringify(makeDevice('uuid:back', 'back')));
    broker.retained.set('ssdp/other/devices/uuid:x', JSON.stringify(makeDevice('uuid:x', 'x')));
    const source = new FakeSource();
    const b = attach(source, broker, { staleGraceMs: 100 });
    await connected(b);
    source.add(makeDevice('uuid:back', 'back again'));
    await vi.waitFor(() => expect(broker.retained.has('ssdp/lab/devices/uuid:gone')).toBe(false));
    await settled(b);
    expect(devicesOf(broker)).toEqual(expected(source));
    expect(broker.retained.has('ssdp/other/devices/uuid:x')).toBe(true);
  });

  it('stops following the control point once closed', async () => {
    const broker = new FakeBroker();
    const source = new FakeSource();
    const b = attach(source, broker);
    await connected(b);
    await b.close();
    source.add(makeDevice('uuid:late', 'late'));
    expect(source.listenerCount('device-added')).toBe(0);
    expect(broker.retained.has('ssdp/lab/devices/uuid:late')).toBe(false);
  });

  it('rejects a wrong URL or site with typed errors', () => {
    const source = new FakeSource();
    const codeOf = (options: MqttBridgeOptions) => {
      try {
        attachMqttBridge(source, options, { connect: new FakeBroker().connect });
        return 'no error';
      } catch (error) {
        return (error as MqttBridgeError).code;
      }
    };
    expect(codeOf({ url: 'http://broker' })).toBe('SSDP_ERR_MQTT_URL');
    expect(codeOf({ url: 'not a url' })).toBe('SSDP_ERR_MQTT_URL');
    expect(codeOf({ url: 'mqtt://user:pw@broker' })).toBe('SSDP_ERR_MQTT_URL');
    expect(codeOf({ url: 'mqtt://broker', site: 'a/b' })).toBe('SSDP_ERR_MQTT_OPTION');
    expect(codeOf({ url: 'mqtt://broker', site: '+' })).toBe('SSDP_ERR_MQTT_OPTION');
    expect(codeOf({ url: 'mqtt://broker', topicPrefix: 'a//b' })).toBe('SSDP_ERR_MQTT_OPTION');
    expect(codeOf({ url: 'mqtt://broker', ca: 'PEM' })).toBe('SSDP_ERR_MQTT_OPTION');
  });
});
