import { describe, expect, it } from 'vitest';
import { expandIpv6, ipv4Broadcast, onSubnet } from '../src/ip-address.ts';
import {
  listAddresses,
  selectInterfaces,
  type NetworkInterfacesSnapshot,
  type SelectInterfacesResult,
} from '../src/select-interfaces.ts';

// A multi-homed Linux host as os.networkInterfaces() reports it.
const multiHomed: NetworkInterfacesSnapshot = {
  lo: [
    { address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', internal: true, cidr: '127.0.0.1/8' },
    {
      address: '::1',
      netmask: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      family: 'IPv6',
      internal: true,
      cidr: '::1/128',
      scopeid: 0,
    },
  ],
  eth0: [
    { address: '192.168.1.20', netmask: '255.255.255.0', family: 'IPv4', internal: false, cidr: '192.168.1.20/24' },
    {
      address: 'fd00::20',
      netmask: 'ffff:ffff:ffff:ffff::',
      family: 'IPv6',
      internal: false,
      cidr: 'fd00::20/64',
      scopeid: 0,
    },
    {
      address: 'fe80::a00:27ff:fe4e:66a1',
      netmask: 'ffff:ffff:ffff:ffff::',
      family: 'IPv6',
      internal: false,
      cidr: 'fe80::a00:27ff:fe4e:66a1/64',
      scopeid: 2,
    },
  ],
  wlan0: [
    { address: '10.0.0.5', netmask: '255.255.0.0', family: 'IPv4', internal: false, cidr: '10.0.0.5/16' },
    { address: '10.0.0.6', netmask: '255.255.0.0', family: 'IPv4', internal: false, cidr: '10.0.0.6/16' },
    {
      address: 'fe80::1',
      netmask: 'ffff:ffff:ffff:ffff::',
      family: 'IPv6',
      internal: false,
      cidr: 'fe80::1/64',
      scopeid: 3,
    },
  ],
};

function chosen(result: SelectInterfacesResult): string[] {
  if (!result.ok) throw new Error(`expected success, got ${result.error.toOneLine()}`);
  return result.interfaces.map((i) => `${i.id}=${i.address}`);
}

function failure(result: SelectInterfacesResult): { code: string; line: string } {
  if (result.ok) throw new Error(`expected failure, got ${JSON.stringify(result.interfaces)}`);
  return { code: result.error.code, line: result.error.toOneLine() };
}

describe('selectInterfaces', () => {
  it('defaults to loopback: 127.0.0.1 and ::1 when IPv6 multicast works there', () => {
    expect(chosen(selectInterfaces(multiHomed))).toEqual(['lo/IPv4=127.0.0.1', 'lo/IPv6=::1']);
  });

  it('leaves ::1 out by default when lo cannot multicast (Linux lo has no MULTICAST flag)', () => {
    const result = selectInterfaces(multiHomed, {
      multicastCapable: (name, family) => !(name === 'lo' && family === 'IPv6'),
    });
    expect(chosen(result)).toEqual(['lo/IPv4=127.0.0.1']);
  });

  it('gives the address-family error when IPv6 is asked for explicitly on a loopback that cannot multicast', () => {
    const result = selectInterfaces(multiHomed, {
      families: ['IPv6'],
      multicastCapable: (name, family) => !(name === 'lo' && family === 'IPv6'),
    });
    const { code, line } = failure(result);
    expect(code).toBe('SSDP_ERR_ADDRESS_FAMILY_UNAVAILABLE');
    expect(line).toContain('lo cannot carry IPv6 multicast');
    expect(line).not.toContain('\n');
  });

  it('"all" takes every non-internal interface, one IPv4 and the link-local IPv6 of each', () => {
    expect(chosen(selectInterfaces(multiHomed, { requested: ['all'] }))).toEqual([
      'eth0/IPv4=192.168.1.20',
      'eth0/IPv6=fe80::a00:27ff:fe4e:66a1',
      'wlan0/IPv4=10.0.0.5',
      'wlan0/IPv6=fe80::1',
    ]);
  });

  it('keeps the scope id of link-local IPv6 and derives the IPv4 broadcast address', () => {
    const result = selectInterfaces(multiHomed, { requested: ['eth0'] });
    if (!result.ok) throw result.error;
    const [v4, v6] = result.interfaces;
    expect(v4).toMatchObject({ family: 'IPv4', broadcast: '192.168.1.255', prefixLength: 24, internal: false });
    expect(v4?.scopeId).toBeUndefined();
    expect(v6).toMatchObject({ family: 'IPv6', scopeId: 2, prefixLength: 64 });
    expect(v6?.broadcast).toBeUndefined();
  });

  it('filters by family', () => {
    expect(chosen(selectInterfaces(multiHomed, { requested: ['all'], families: ['IPv4'] }))).toEqual([
      'eth0/IPv4=192.168.1.20',
      'wlan0/IPv4=10.0.0.5',
    ]);
  });

  it('selects by address, including a second address of one interface, IPv6 with a %scope suffix and upper case', () => {
    expect(chosen(selectInterfaces(multiHomed, { requested: ['10.0.0.6'] }))).toEqual(['wlan0/IPv4=10.0.0.6']);
    expect(chosen(selectInterfaces(multiHomed, { requested: ['FD00::20'] }))).toEqual(['eth0/IPv6=fd00::20']);
    expect(chosen(selectInterfaces(multiHomed, { requested: ['fe80::1%wlan0'] }))).toEqual(['wlan0/IPv6=fe80::1']);
  });

  it('gives two addresses of one interface and family distinct ids', () => {
    expect(chosen(selectInterfaces(multiHomed, { requested: ['10.0.0.5', '10.0.0.6'] }))).toEqual([
      'wlan0/IPv4=10.0.0.5',
      'wlan0/IPv4/10.0.0.6=10.0.0.6',
    ]);
  });

  it('removes duplicates between names, addresses and all', () => {
    expect(
      chosen(selectInterfaces(multiHomed, { requested: ['eth0', '192.168.1.20', 'eth0', 'all'], families: ['IPv4'] })),
    ).toEqual(['eth0/IPv4=192.168.1.20', 'wlan0/IPv4=10.0.0.5']);
  });

  it('accepts a name for loopback explicitly', () => {
    expect(chosen(selectInterfaces(multiHomed, { requested: ['lo'], families: ['IPv4'] }))).toEqual([
      'lo/IPv4=127.0.0.1',
    ]);
  });

  it('rejects an unknown name or address with a typed one-line error listing what exists', () => {
    for (const value of ['eth9', '192.168.1.21']) {
      const { code, line } = failure(selectInterfaces(multiHomed, { requested: ['eth0', value] }));
      expect(code).toBe('SSDP_ERR_UNKNOWN_INTERFACE');
      expect(line).toContain(value);
      expect(line).toContain('wlan0 (10.0.0.5');
    }
  });

  it('gives the family error when a chosen interface lacks an explicitly requested family', () => {
    const v4only: NetworkInterfacesSnapshot = {
      eth1: [{ address: '10.1.1.1', netmask: '255.255.255.0', family: 'IPv4', internal: false }],
    };
    expect(failure(selectInterfaces(v4only, { requested: ['eth1'], families: ['IPv4', 'IPv6'] })).code).toBe(
      'SSDP_ERR_ADDRESS_FAMILY_UNAVAILABLE',
    );
    expect(chosen(selectInterfaces(v4only, { requested: ['eth1'] }))).toEqual(['eth1/IPv4=10.1.1.1']);
  });

  it('fails when "all" finds nothing (only loopback up) and when there is no loopback', () => {
    expect(failure(selectInterfaces({ lo: multiHomed['lo'] }, { requested: ['all'] })).code).toBe(
      'SSDP_ERR_UNKNOWN_INTERFACE',
    );
    expect(failure(selectInterfaces({})).code).toBe('SSDP_ERR_UNKNOWN_INTERFACE');
  });

  it('understands the numeric family of Node 18.0 and computes prefixes from netmasks without cidr', () => {
    const old: NetworkInterfacesSnapshot = {
      en0: [
        { address: '172.16.5.9', netmask: '255.255.240.0', family: 4, internal: false },
        { address: 'fe80::9', netmask: 'ffff:ffff:ffff:ffff::', family: 6, internal: false, scopeid: 4 },
      ],
    };
    const result = selectInterfaces(old, { requested: ['en0'] });
    if (!result.ok) throw result.error;
    expect(result.interfaces.map((i) => [i.family, i.prefixLength, i.broadcast, i.scopeId])).toEqual([
      ['IPv4', 20, '172.16.15.255', undefined],
      ['IPv6', 64, undefined, 4],
    ]);
  });
});

describe('address helpers', () => {
  it('computes directed broadcast addresses', () => {
    expect(ipv4Broadcast('192.168.0.17', 24)).toBe('192.168.0.255');
    expect(ipv4Broadcast('127.0.0.1', 8)).toBe('127.255.255.255');
    expect(ipv4Broadcast('10.0.0.1', 0)).toBe('255.255.255.255');
    expect(ipv4Broadcast('10.0.0.1', 32)).toBeUndefined();
  });

  it('expands IPv6 addresses', () => {
    expect(expandIpv6('fe80::1%eth0')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    expect(expandIpv6('::ffff:10.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001]);
    expect(expandIpv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('tells whether an address is on an interface subnet', () => {
    const v4 = { family: 'IPv4' as const, address: '192.168.1.20', prefixLength: 24 };
    expect(onSubnet(v4, '192.168.1.99')).toBe(true);
    expect(onSubnet(v4, '192.168.2.1')).toBe(false);
    expect(onSubnet(v4, 'fe80::1')).toBe(false);
    const v6 = { family: 'IPv6' as const, address: 'fe80::a00:27ff:fe4e:66a1', prefixLength: 64 };
    expect(onSubnet(v6, 'fe80::1234%eth0')).toBe(true);
    expect(onSubnet(v6, 'fd00::1')).toBe(false);
  });
});

describe('listAddresses', () => {
  it('lists every address of every interface, secondary ones included', () => {
    expect(listAddresses(multiHomed).map((a) => `${a.id}/${a.prefixLength}`)).toEqual([
      'lo/127.0.0.1/8',
      'lo/::1/128',
      'eth0/192.168.1.20/24',
      'eth0/fd00::20/64',
      'eth0/fe80::a00:27ff:fe4e:66a1/64',
      'wlan0/10.0.0.5/16',
      'wlan0/10.0.0.6/16',
      'wlan0/fe80::1/64',
    ]);
  });
});
