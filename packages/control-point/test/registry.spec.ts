import { createScheduler } from '@ssdp/runtime';
import { createManualClock } from '@ssdp/runtime/testing';
import { describe, expect, it } from 'vitest';
import { DeviceRecord } from '../src/device-record.ts';
import { createExpiryIndex } from '../src/expiry-index.ts';
import { createRegistry, type Observation, type RegistryEvent, type RegistryInit } from '../src/registry.ts';

const ROOT = '11111111-1111-1111-1111-111111111111';
const EMB = '22222222-2222-2222-2222-222222222222';
const OTHER = '33333333-3333-3333-3333-333333333333';
const LOCATION = 'http://10.0.0.2:80/d.xml';

function setup(init: RegistryInit = {}) {
  const clock = createManualClock();
  const advance = (ms: number) => clock.advance(ms);
  const pendingTimers = () => clock.pending;
  const scheduler = createScheduler({ clock });
  const events: RegistryEvent[] = [];
  const unannouncedEvictions: string[] = [];
  const registry = createRegistry(init, {
    clock,
    scheduler,
    onEvent: (e) => events.push(e),
    onEvictedUnannounced: (r) => unannouncedEvictions.push(r.udn),
  });
  const alive = (uuid: string, target: string, extra: Partial<Observation> = {}) =>
    registry.observe({
      kind: 'alive',
      uuid,
      target,
      deviceTypeTarget: target.includes(':device:'),
      address: '10.0.0.2',
      interfaceId: 'eth0/IPv4',
      location: LOCATION,
      server: 'Linux/6 UPnP/2.0 x/1',
      maxAge: 1800,
      bootId: 1,
      configId: 1,
      ...extra,
    });
  const names = () => events.map((e) => e.event);
  return { registry, events, names, alive, advance, scheduler, pendingTimers, unannouncedEvictions };
}

describe('registry', () => {
  it('counts first seen, last seen and max-age from the datagram\u2019s read time when the observation has one', () => {
    const { registry, alive, advance } = setup();
    advance(5000);
    alive(ROOT, 'upnp:rootdevice', { receivedAt: 4990 });
    advance(200);
    expect(registry.devices()[0]).toMatchObject({ firstSeen: 4990, lastSeen: 4990, expiresAt: 4990 + 1_800_000 });
    alive(ROOT, 'upnp:rootdevice'); // without one: now
    expect(registry.devices()[0]).toMatchObject({ firstSeen: 4990, lastSeen: 5200 });
  });

  it('reports an eviction of a record that was never announced to onEvictedUnannounced (and no event)', () => {
    const { registry, events, alive, advance, unannouncedEvictions } = setup({ maxDevices: 1 });
    alive(ROOT, 'upnp:rootdevice');
    alive(OTHER, 'upnp:rootdevice', { location: 'http://10.0.0.3/d.xml' });
    expect(unannouncedEvictions).toEqual([`uuid:${ROOT}`]);
    advance(200);
    alive(ROOT, 'upnp:rootdevice');
    expect(unannouncedEvictions).toEqual([`uuid:${ROOT}`]); // OTHER was announced: a device-removed, not this
    expect(events.filter((e) => e.event === 'device-removed').map((e) => e.device.udn)).toEqual([`uuid:${OTHER}`]);
    expect(registry.evicted).toBe(2);
  });

  it('treats a UUID in any letter case as one device (RFC 4122: compared case-insensitively), shown as first spelled', () => {
    const { registry, events, alive, advance } = setup();
    const upper = 'ABCDEF01-2345-4678-9ABC-DEF012345678';
    alive(upper, 'upnp:rootdevice');
    alive(upper.toLowerCase(), '');
    alive(upper.toLowerCase(), 'urn:schemas-upnp-org:device:Basic:1', { configId: 2 });
    alive('abcdef01-2345-4678-9abc-DEF012345678', 'upnp:rootdevice');
    advance(200);
    expect(registry.storedSize).toBe(1);
    expect(registry.devices()).toHaveLength(1);
    const device = registry.devices()[0]!;
    expect(device.udn).toBe(`uuid:${upper}`);
    expect(device.usns).toEqual([
      `uuid:${upper}::upnp:rootdevice`,
      `uuid:${upper}`,
      `uuid:${upper}::urn:schemas-upnp-org:device:Basic:1`,
    ]);
    expect(registry.get(`uuid:${upper.toLowerCase()}`)).toBe(registry.get(`UUID:${upper}`));
    expect(registry.get(upper.toLowerCase())).toBeDefined();
    // An embedded device spelled both ways is one set of USNs, and its byebye in the other case removes it.
    alive(EMB.replace(/2/g, 'A'), '');
    alive(EMB.replace(/2/g, 'a'), '');
    expect(registry.snapshot(registry.get(upper)!).usns.filter((u) => u.toLowerCase().startsWith('uuid:aaaa'))).toEqual(
      [`uuid:${EMB.replace(/2/g, 'A')}`],
    );
    registry.observe({
      kind: 'byebye',
      uuid: EMB.replace(/2/g, 'a'),
      target: '',
      address: '10.0.0.2',
      interfaceId: 'eth0/IPv4',
    });
    expect(registry.snapshot(registry.get(upper)!).usns.some((u) => u.toLowerCase().startsWith('uuid:aaaa'))).toBe(
      false,
    );
    // A byebye in lower case removes the device advertised in upper case.
    const result = registry.observe({
      kind: 'byebye',
      uuid: upper.toLowerCase(),
      target: 'upnp:rootdevice',
      address: '10.0.0.2',
      interfaceId: 'eth0/IPv4',
    });
    expect(result.outcome).toBe('removed');
    expect(registry.storedSize).toBe(0);
    expect(
      events
        .filter((e) => e.event === 'device-removed')
        .map((e) => [e.device.udn, e.event === 'device-removed' ? e.reason : '']),
    ).toEqual([[`uuid:${upper}`, 'byebye']]);
  });

  it('announces a root after the gather time with every USN of the burst in device-added', () => {
    const { registry, events, alive, advance } = setup();
    alive(ROOT, 'upnp:rootdevice');
    alive(ROOT, '');
    alive(ROOT, 'urn:schemas-upnp-org:device:Basic:1');
    alive(EMB, '');
    alive(EMB, 'urn:schemas-upnp-org:device:Dimmer:1');
    alive(ROOT, 'urn:schemas-upnp-org:service:SwitchPower:1');
    expect(events).toEqual([]);
    advance(100);
    expect(events).toHaveLength(1);
    const added = events[0]!;
    expect(added.event).toBe('device-added');
    expect(added.device.usns).toEqual([
      `uuid:${ROOT}::upnp:rootdevice`,
      `uuid:${ROOT}`,
      `uuid:${ROOT}::urn:schemas-upnp-org:device:Basic:1`,
      `uuid:${EMB}`,
      `uuid:${EMB}::urn:schemas-upnp-org:device:Dimmer:1`,
      `uuid:${ROOT}::urn:schemas-upnp-org:service:SwitchPower:1`,
    ]);
    expect(added.device.deviceType).toBe('urn:schemas-upnp-org:device:Basic:1');
    expect(registry.size).toBe(1);
    expect(registry.get(EMB)).toBeUndefined(); // grouped, not a device of its own
  });

  it('folds embedded devices that were seen first (pending) into their root when it shows up at their LOCATION', () => {
    const { registry, events, alive, advance } = setup();
    alive(EMB, 'urn:schemas-upnp-org:device:Dimmer:1');
    alive(OTHER, '');
    advance(500);
    alive(ROOT, 'upnp:rootdevice');
    advance(2000);
    expect(events.map((e) => [e.event, e.device.udn])).toEqual([['device-added', `uuid:${ROOT}`]]);
    expect(registry.devices()[0]!.usns).toEqual(
      expect.arrayContaining([
        `uuid:${EMB}::urn:schemas-upnp-org:device:Dimmer:1`,
        `uuid:${OTHER}`,
        `uuid:${ROOT}::upnp:rootdevice`,
      ]),
    );
    expect(registry.storedSize).toBe(1);
  });

  it('announces a device that never proves to be a root after the settle time', () => {
    const { events, alive, advance } = setup({ settleMs: 1000 });
    alive(ROOT, 'urn:schemas-upnp-org:device:Basic:1');
    advance(999);
    expect(events).toEqual([]);
    advance(1);
    expect(events.map((e) => e.event)).toEqual(['device-added']);
  });

  it('an embedded byebye drops its USNs; a root byebye removes the device; a stale byebye is ignored', () => {
    const { registry, events, alive, advance } = setup();
    alive(ROOT, 'upnp:rootdevice', { bootId: 5 });
    alive(EMB, '', { bootId: 5 });
    advance(100);
    registry.observe({
      kind: 'byebye',
      uuid: EMB,
      target: '',
      address: '10.0.0.2',
      interfaceId: 'eth0/IPv4',
      bootId: 5,
    });
    expect(events.at(-1)).toMatchObject({ event: 'device-updated', changes: ['usns'] });
    expect(registry.devices()[0]!.usns).toEqual([`uuid:${ROOT}::upnp:rootdevice`]);
    const stale = registry.observe({
      kind: 'byebye',
      uuid: ROOT,
      target: '',
      address: '10.0.0.2',
      interfaceId: 'eth0/IPv4',
      bootId: 4,
    });
    expect(stale.outcome).toBe('stale-bootid');
    expect(registry.size).toBe(1);
    registry.observe({
      kind: 'byebye',
      uuid: ROOT,
      target: 'upnp:rootdevice',
      address: '10.0.0.2',
      interfaceId: 'eth0/IPv4',
      bootId: 5,
    });
    expect(events.at(-1)).toMatchObject({ event: 'device-removed', reason: 'byebye' });
    expect(registry.size).toBe(0);
    expect(
      registry.observe({ kind: 'byebye', uuid: ROOT, target: '', address: '10.0.0.2', interfaceId: 'eth0/IPv4' })
        .outcome,
    ).toBe('unknown');
  });

  it('expires on the shortest recent max-age, through one scheduler timer for all devices', () => {
    const { registry, events, alive, advance, scheduler, pendingTimers } = setup();
    for (let i = 0; i < 50; i += 1)
      alive(`${String(i).padStart(8, '0')}-1111-1111-1111-111111111111`, 'upnp:rootdevice', {
        maxAge: 10 + i,
        location: `http://10.0.0.2/${i}`,
      });
    advance(100);
    expect(registry.size).toBe(50);
    expect(scheduler.size).toBe(50); // one expiry task per device on the shared scheduler
    expect(pendingTimers()).toBe(1); // and one clock timer for all of them
    alive('00000049-1111-1111-1111-111111111111', 'upnp:rootdevice', { maxAge: 5, location: 'http://10.0.0.2/49' }); // shortened
    advance(5000);
    expect(events.filter((e) => e.event === 'device-removed').map((e) => e.device.udn)).toEqual([
      'uuid:00000049-1111-1111-1111-111111111111',
    ]);
    advance(5000);
    expect(events.filter((e) => e.event === 'device-removed')).toHaveLength(2);
    advance(60_000);
    expect(registry.size).toBe(0);
    expect(pendingTimers()).toBe(0);
  });

  it('keeps at most maxUsnsPerDevice USNs and maxLocationsPerDevice locations', () => {
    const { registry, alive, advance } = setup({ maxUsnsPerDevice: 3, maxLocationsPerDevice: 2 });
    alive(ROOT, 'upnp:rootdevice');
    advance(100);
    for (let i = 0; i < 10; i += 1)
      alive(ROOT, `urn:schemas-upnp-org:service:S${i}:1`, { location: `http://10.0.0.2/${i}` });
    expect(alive(ROOT, 'urn:schemas-upnp-org:service:X:1').outcome).toBe('usn-limit');
    const device = registry.devices()[0]!;
    expect(device.usns).toHaveLength(3);
    expect(device.locations).toEqual([LOCATION, 'http://10.0.0.2/0']);
  });

  it('evicts never-announced records silently but counts them', () => {
    const { registry, events, alive, advance } = setup({ maxDevices: 2 });
    alive(ROOT, 'urn:schemas-upnp-org:device:Basic:1', { location: 'http://10.0.0.2/a' });
    alive(EMB, 'urn:schemas-upnp-org:device:Basic:1', { location: 'http://10.0.0.2/b' });
    alive(OTHER, 'upnp:rootdevice', { location: 'http://10.0.0.2/c' });
    advance(2000);
    expect(registry.evicted).toBe(1);
    expect(events.filter((e) => e.event === 'device-removed')).toEqual([]);
    expect(
      registry
        .devices()
        .map((d) => d.udn)
        .sort(),
    ).toEqual([`uuid:${EMB}`, `uuid:${OTHER}`]);
  });

  it('describes: once per generation, re-described after a CONFIGID change or a reboot, stale results ignored', () => {
    const { registry, events, alive, advance } = setup({ describeWaitMs: 1000 });
    const { record } = alive(ROOT, 'upnp:rootdevice');
    expect(registry.needsDescription(record!)).toBe(true);
    const first = registry.describing(record!);
    expect(registry.needsDescription(record!)).toBe(false);
    advance(500);
    expect(events).toEqual([]); // waiting for the description (up to describeWaitMs)
    const info = {
      friendlyName: 'Lamp',
      manufacturer: 'M',
      modelName: 'L1',
      deviceType: 'urn:schemas-upnp-org:device:BinaryLight:1',
      embedded: [EMB],
      isRoot: true,
    };
    registry.described(record!, first, info);
    advance(1);
    expect(events.map((e) => e.event)).toEqual(['device-added']);
    expect(events[0]!.device).toMatchObject({
      friendlyName: 'Lamp',
      deviceType: 'urn:schemas-upnp-org:device:BinaryLight:1',
      describe: 'described',
    });

    alive(ROOT, 'upnp:rootdevice', { configId: 2 });
    expect(events.at(-1)).toMatchObject({ event: 'device-updated', changes: ['configId'] });
    expect(registry.needsDescription(record!)).toBe(true);
    const second = registry.describing(record!);
    alive(ROOT, 'upnp:rootdevice', { configId: 2, bootId: 2 }); // reboot while describing
    expect(events.at(-1)).toMatchObject({ event: 'device-rebooted', previousBootId: 1 });
    registry.described(record!, second, { ...info, friendlyName: 'stale' });
    expect(registry.devices()[0]!.friendlyName).toBe('Lamp');
    expect(registry.needsDescription(record!)).toBe(true);
    const third = registry.describing(record!);
    registry.describeFailed(record!, third, 'timeout', 'no answer in 3000 ms');
    expect(events.at(-1)).toMatchObject({
      event: 'describe-failed',
      reason: 'timeout',
      detail: 'no answer in 3000 ms',
    });
    expect(registry.devices()[0]).toMatchObject({ describe: 'failed', describeError: 'timeout', friendlyName: 'Lamp' });
    expect(registry.size).toBe(1);
  });
});

describe('expiry index', () => {
  it('expires records at expiresAt through the shared scheduler: refreshed late, shortened at once, removed never', () => {
    const clock = createManualClock();
    const scheduler = createScheduler({ clock });
    const expired: string[] = [];
    const index = createExpiryIndex(scheduler, clock.now, (record) => expired.push(`${record.key}@${clock.now()}`));
    const records = new Map<string, DeviceRecord>();
    for (const [key, at] of [
      ['a', 50],
      ['b', 10],
      ['c', 30],
      ['d', 20],
    ] as const) {
      const record = new DeviceRecord(key, key, false, '10.0.0.2', 'eth0/IPv4', 0, undefined);
      record.expiresAt = at;
      records.set(key, record);
      index.arm(record);
    }
    expect(clock.pending).toBe(1); // one clock timer for every deadline
    records.get('a')!.expiresAt = 5; // shortened: moved now
    index.arm(records.get('a')!);
    records.get('b')!.expiresAt = 60; // refreshed: noticed when its old deadline fires
    index.arm(records.get('b')!);
    index.remove(records.get('c')!);
    clock.advance(100);
    expect(expired).toEqual(['a@5', 'd@20', 'b@60']);
    expect(scheduler.size).toBe(0);
  });
});
