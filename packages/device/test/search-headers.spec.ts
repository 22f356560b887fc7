// UDA 1.1 §1.3.2: MAN is required in every M-SEARCH (multicast and unicast) with the value "ssdp:discover", and
// HOST is required. The device answers nothing else, and counts each refusal under its own reason.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { advance, createLab } from './support/harness.ts';

const CP = { name: 'eth0', link: 'lan', ipv4: '10.0.0.3/24' };
const DEVICE = { kind: 'unicast', interfaceId: '', address: '10.0.0.2', port: 1900 } as const;

/** A search written by hand: the start line, then the given header lines. */
function search(...lines: string[]): string {
  return `M-SEARCH * HTTP/1.1\r\n${lines.map((line) => `${line}\r\n`).join('')}\r\n`;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function labWithControlPoint() {
  const lab = createLab();
  const cp = await lab.controlPoint('cp', CP);
  await lab.start();
  return { lab, cp, unicast: { ...DEVICE, interfaceId: cp.interfaceId } };
}

describe('search headers the device requires (UDA 1.1 §1.3.2)', () => {
  it('drops a multicast search without MAN, or with another MAN, as search-bad-man, and says which', async () => {
    const { lab, cp } = await labWithControlPoint();
    await cp.sendRaw(search('HOST: 239.255.255.250:1900', 'MX: 1', 'ST: ssdp:all'));
    await cp.sendRaw(search('HOST: 239.255.255.250:1900', 'MAN: "ssdp:alive"', 'MX: 1', 'ST: ssdp:all'));
    await cp.sendRaw(search('HOST: 239.255.255.250:1900', 'MAN: "ssdp:discover', 'MX: 1', 'ST: ssdp:all'));
    await cp.sendRaw(search('HOST: 239.255.255.250:1900', 'MAN:', 'MX: 1', 'ST: ssdp:all'));
    await advance(2000);
    expect(cp.responses()).toHaveLength(0);
    expect(lab.device.stats.dropped['search-bad-man']).toBe(4);
    expect(lab.device.stats.searches).toBe(0);
    expect(lab.eventsOf('search-received')).toEqual([]);
    const first = lab.eventsOf('dropped').find((d) => d.reason === 'search-bad-man');
    expect(first).toMatchObject({ count: 1, source: { address: '10.0.0.3' }, detail: 'no MAN' });
  });

  it('drops a unicast search without MAN too (MAN is required there as well)', async () => {
    const { lab, cp, unicast } = await labWithControlPoint();
    await cp.sendRaw(search('HOST: 10.0.0.2:1900', 'ST: ssdp:all'), unicast);
    await cp.sendRaw(search('HOST: 10.0.0.2:1900', 'MAN: "ssdp:update"', 'ST: ssdp:all'), unicast);
    await advance(2000);
    expect(cp.responses()).toHaveLength(0);
    expect(lab.device.stats.dropped['search-bad-man']).toBe(2);
  });

  it('answers MAN quoted, unquoted (the prototype), in another letter case and with blanks around it', async () => {
    const { lab, cp, unicast } = await labWithControlPoint();
    await cp.sendRaw(search('HOST: 239.255.255.250:1900', 'MAN: "ssdp:discover"', 'MX: 1', 'ST: upnp:rootdevice'));
    await cp.sendRaw(search('HOST: 239.255.255.250:1900', 'MAN: ssdp:discover', 'MX: 1', 'ST: upnp:rootdevice'));
    await cp.sendRaw(search('HOST: 10.0.0.2:1900', 'Man: "SSDP:Discover"', 'ST: upnp:rootdevice'), unicast);
    await cp.sendRaw(search('HOST: 10.0.0.2:1900', 'MAN:   "ssdp:discover" \t', 'ST: upnp:rootdevice'), unicast);
    await advance(2000);
    expect(cp.responses()).toHaveLength(4);
    expect(lab.device.stats.dropped['search-bad-man']).toBe(0);
  });

  it('drops a search without HOST as search-no-host, multicast or unicast', async () => {
    const { lab, cp, unicast } = await labWithControlPoint();
    await cp.sendRaw(search('MAN: "ssdp:discover"', 'MX: 1', 'ST: ssdp:all'));
    await cp.sendRaw(search('MAN: "ssdp:discover"', 'ST: ssdp:all'), unicast);
    await advance(2000);
    expect(cp.responses()).toHaveLength(0);
    expect(lab.device.stats.dropped['search-no-host']).toBe(2);
    expect(lab.eventsOf('dropped').find((d) => d.reason === 'search-no-host')).toMatchObject({ detail: 'no HOST' });
  });

  it('checks MAN before MX: a search lacking both counts once, as search-bad-man', async () => {
    const { lab, cp } = await labWithControlPoint();
    await cp.sendRaw(search('HOST: 239.255.255.250:1900', 'ST: ssdp:all'));
    await advance(2000);
    expect(lab.device.stats.dropped['search-bad-man']).toBe(1);
    expect(lab.device.stats.dropped['mx-missing']).toBe(0);
  });
});
