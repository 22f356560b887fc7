import { afterEach, describe, expect, it, vi } from 'vitest';
import { attachMqttBridge, createMqttView, type MqttBridge, type MqttView, type SiteDevice } from '../src/index.ts';
import { FakeBroker } from '../src/testing/index.ts';
import { FakeSource, makeDevice } from './fake-source.ts';

describe('createMqttView (fake broker)', () => {
  const closers: (MqttBridge | MqttView)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c.close()));
  });
  const bridge = (broker: FakeBroker, source: FakeSource, site: string) => {
    const b = attachMqttBridge(
      source,
      { url: 'mqtt://broker.test', site, reconnectMinMs: 10 },
      { connect: broker.connect },
    );
    closers.push(b);
    return b;
  };
  const view = (broker: FakeBroker, site = '+') => {
    const v = createMqttView(
      { url: 'mqtt://broker.test', site, reconnectMinMs: 10, settleMs: 30 },
      { connect: broker.connect },
    );
    closers.push(v);
    const events: string[] = [];
    v.on('device-added', (d) => events.push(`added ${d.site} ${d.udn}`));
    v.on('device-updated', (d, changes) => events.push(`updated ${d.site} ${d.udn} ${changes.join(',')}`));
    v.on('device-removed', (d, reason) => events.push(`removed ${d.site} ${d.udn} ${reason}`));
    v.on('site-status', (site, status) => events.push(`site ${site} ${status}`));
    return { v, events };
  };
  const keys = (devices: readonly SiteDevice[]) => devices.map((d) => `${d.site} ${d.udn}`).sort();

  it('shows the union of every site, each device tagged with its site, and follows changes', async () => {
    const broker = new FakeBroker();
    const east = new FakeSource();
    const west = new FakeSource();
    east.add(makeDevice('uuid:e1', 'e1'));
    west.add(makeDevice('uuid:w1', 'w1'));
    bridge(broker, east, 'east');
    bridge(broker, west, 'west');
    const { v, events } = view(broker);
    await vi.waitFor(() => expect(keys(v.devices())).toEqual(['east uuid:e1', 'west uuid:w1']));
    expect(v.devices().find((d) => d.udn === 'uuid:e1')).toEqual({ ...makeDevice('uuid:e1', 'e1'), site: 'east' });
    await vi.waitFor(() =>
      expect(v.sites()).toEqual(
        expect.arrayContaining([
          { site: 'east', status: 'online' },
          { site: 'west', status: 'online' },
        ]),
      ),
    );

    east.update(makeDevice('uuid:e1', 'e1 renamed'));
    west.remove('uuid:w1');
    await vi.waitFor(() =>
      expect(events).toEqual(
        expect.arrayContaining(['updated east uuid:e1 friendlyName', 'removed west uuid:w1 cleared']),
      ),
    );
    expect(keys(v.devices())).toEqual(['east uuid:e1']);
  });

  it('with one site, sees only that site', async () => {
    const broker = new FakeBroker();
    const east = new FakeSource();
    const west = new FakeSource();
    east.add(makeDevice('uuid:e1', 'e1'));
    west.add(makeDevice('uuid:w1', 'w1'));
    bridge(broker, east, 'east');
    bridge(broker, west, 'west');
    const { v } = view(broker, 'west');
    await new Promise<void>((resolve) => v.once('synced', () => resolve()));
    await vi.waitFor(() => expect(keys(v.devices())).toEqual(['west uuid:w1']));
    expect(v.sites().map((s) => s.site)).toEqual(['west']);
  });

  it("shows a site's offline status (clean stop or last will)", async () => {
    const broker = new FakeBroker();
    const source = new FakeSource();
    source.add(makeDevice('uuid:a', 'a'));
    const b = bridge(broker, source, 'east');
    const { v, events } = view(broker);
    await vi.waitFor(() => expect(v.sites()).toEqual([{ site: 'east', status: 'online' }]));
    await b.close();
    await vi.waitFor(() => expect(v.sites()).toEqual([{ site: 'east', status: 'offline' }]));
    expect(events).toContain('site east offline');
    // The devices stay, tagged with a site that is offline.
    expect(keys(v.devices())).toEqual(['east uuid:a']);
  });

  it('after a reconnect, drops what the broker no longer holds', async () => {
    const broker = new FakeBroker();
    broker.retained.set('ssdp/east/devices/uuid:a', JSON.stringify(makeDevice('uuid:a', 'a')));
    broker.retained.set('ssdp/east/devices/uuid:b', JSON.stringify(makeDevice('uuid:b', 'b')));
    const { v, events } = view(broker);
    await vi.waitFor(() => expect(v.devices()).toHaveLength(2));
    broker.stop({ loseRetained: false });
    await vi.waitFor(() => expect(v.state).toBe('reconnecting'));
    broker.retained.delete('ssdp/east/devices/uuid:b');
    broker.start();
    await vi.waitFor(() => expect(events).toContain('removed east uuid:b resync'));
    expect(keys(v.devices())).toEqual(['east uuid:a']);
    expect(events.filter((e) => e.includes('uuid:a'))).toEqual(['added east uuid:a']);
  });

  it('ignores messages that are not devices of their topic, with a warning', async () => {
    const broker = new FakeBroker();
    broker.retained.set('ssdp/east/devices/uuid:a', 'not json');
    broker.retained.set('ssdp/east/devices/uuid:b', JSON.stringify(makeDevice('uuid:other', 'x')));
    broker.retained.set('ssdp/east/devices/uuid:c', JSON.stringify({ udn: 'uuid:c' }));
    const { v } = view(broker);
    const warnings: string[] = [];
    v.on('warning', (w) => warnings.push(w));
    await new Promise<void>((resolve) => v.once('synced', () => resolve()));
    expect(v.devices()).toEqual([]);
    expect(warnings.sort()).toEqual([
      'ignored ssdp/east/devices/uuid:a: not JSON',
      'ignored ssdp/east/devices/uuid:b: its udn "uuid:other" is not the topic\'s',
      'ignored ssdp/east/devices/uuid:c: not a device object (usns, locations)',
    ]);
  });

  it('the site comes from the topic, not from the payload', async () => {
    const broker = new FakeBroker();
    broker.retained.set('ssdp/east/devices/uuid:a', JSON.stringify({ ...makeDevice('uuid:a', 'a'), site: 'west' }));
    const { v } = view(broker);
    await vi.waitFor(() => expect(v.devices()).toHaveLength(1));
    expect(v.devices()[0]!.site).toBe('east');
  });
});
