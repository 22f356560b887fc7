import { describe, expect, it } from 'vitest';
import { addressFamily, isLinkLocal, netmaskOf, onSubnet, prefixOfNetmask, sameAddress } from '../src/ip-address.ts';

describe('ip-address', () => {
  it('knows the family of an address, scope and brackets aside, and refuses what is none', () => {
    expect(addressFamily('10.0.0.1')).toBe('IPv4');
    expect(addressFamily('[FE80::1%eth0]')).toBe('IPv6');
    expect(addressFamily('10.0.0.256')).toBeUndefined();
    expect(addressFamily('eth0')).toBeUndefined();
  });

  it('link-local is fe80::/10 only', () => {
    expect(isLinkLocal('fe80::1')).toBe(true);
    expect(isLinkLocal('FEBF::1%eth0')).toBe(true);
    expect(isLinkLocal('fec0::1')).toBe(false);
    expect(isLinkLocal('fd00::1')).toBe(false);
    expect(isLinkLocal('169.254.1.1')).toBe(false);
  });

  it('turns netmasks into prefix lengths and back', () => {
    expect(prefixOfNetmask('255.255.255.0', 'IPv4')).toBe(24);
    expect(prefixOfNetmask('255.255.240.0', 'IPv4')).toBe(20);
    expect(prefixOfNetmask('ffff:ffff:ffff:ffff::', 'IPv6')).toBe(64);
    expect(netmaskOf('IPv4', 20)).toBe('255.255.240.0');
    expect(netmaskOf('IPv4', 0)).toBe('0.0.0.0');
    expect(netmaskOf('IPv6', 68)).toBe('ffff:ffff:ffff:ffff:f000:0:0:0');
    for (const bits of [0, 1, 8, 31, 32]) expect(prefixOfNetmask(netmaskOf('IPv4', bits), 'IPv4')).toBe(bits);
    for (const bits of [0, 10, 64, 127, 128]) expect(prefixOfNetmask(netmaskOf('IPv6', bits), 'IPv6')).toBe(bits);
  });

  it('compares hosts: IPv6 spellings of one address are the same, scope aside', () => {
    expect(sameAddress('FE80:0::1%eth0', 'fe80::1')).toBe(true);
    expect(sameAddress('10.0.0.1', '10.0.0.1')).toBe(true);
    expect(sameAddress('fe80::1', 'fe80::2')).toBe(false);
    expect(sameAddress('10.0.0.1', '::ffff:10.0.0.2')).toBe(false);
  });

  it('a subnet test refuses an address of the other family or none at all', () => {
    const v4 = { family: 'IPv4', address: '10.1.0.5', prefixLength: 16 } as const;
    expect(onSubnet(v4, '10.1.200.7')).toBe(true);
    expect(onSubnet(v4, '10.2.0.1')).toBe(false);
    expect(onSubnet(v4, '::ffff:10.1.0.1')).toBe(false);
    expect(onSubnet(v4, 'not-an-address')).toBe(false);
  });
});
