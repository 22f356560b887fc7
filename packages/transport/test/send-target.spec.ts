// Where each kind of SendTarget goes, for both transports (UDP scopes the result for Node, memory adds its Via).
import { describe, expect, it } from 'vitest';
import { TransportError } from '../src/errors.ts';
import { memoryVia } from '../src/memory-targets.ts';
import { resolveSendTarget } from '../src/send-target.ts';
import type { TransportInterface } from '../src/transport.ts';
import { scoped } from '../src/udp-targets.ts';

const v4: TransportInterface = {
  id: 'eth0/IPv4',
  name: 'eth0',
  family: 'IPv4',
  address: '192.168.1.10',
  netmask: '255.255.255.0',
  prefixLength: 24,
  broadcast: '192.168.1.255',
  internal: false,
  unicastPort: 50000,
};
const v6: TransportInterface = {
  id: 'eth0/IPv6',
  name: 'eth0',
  family: 'IPv6',
  address: 'fe80::1',
  netmask: 'ffff:ffff:ffff:ffff::',
  prefixLength: 64,
  scopeId: 2,
  internal: false,
  unicastPort: 50000,
};

function invalid(run: () => unknown): TransportError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TransportError);
    return error as TransportError;
  }
  throw new Error('expected SSDP_ERR_INVALID_TARGET');
}

describe('resolveSendTarget', () => {
  it('sends multicast to the SSDP group of the interface family (IPv6: link-local unless site-local is asked)', () => {
    expect(resolveSendTarget(v4, { kind: 'multicast', interfaceId: v4.id }, 1900)).toEqual({
      address: '239.255.255.250',
      port: 1900,
    });
    expect(resolveSendTarget(v6, { kind: 'multicast', interfaceId: v6.id }, 1900)).toEqual({
      address: 'ff02::c',
      port: 1900,
    });
    expect(resolveSendTarget(v6, { kind: 'multicast', interfaceId: v6.id, group: 'site-local' }, 1900)).toEqual({
      address: 'ff05::c',
      port: 1900,
    });
  });

  it('sends unicast to the address and port as given, of the interface family only', () => {
    const target = { kind: 'unicast', interfaceId: v4.id, address: '192.168.1.20', port: 40000 } as const;
    expect(resolveSendTarget(v4, target, 1900)).toEqual({ address: '192.168.1.20', port: 40000 });
    const scopedPeer = { kind: 'unicast', interfaceId: v6.id, address: 'fe80::2%eth0', port: 1 } as const;
    expect(resolveSendTarget(v6, scopedPeer, 1900)).toEqual({ address: 'fe80::2%eth0', port: 1 });
    const error = invalid(() => resolveSendTarget(v4, { ...target, address: 'fe80::2' }, 1900));
    expect(error.code).toBe('SSDP_ERR_INVALID_TARGET');
    expect(error.details).toMatchObject({ interfaceId: 'eth0/IPv4', address: 'fe80::2' });
    expect(error.message).toBe('fe80::2 is not IPv4 like eth0/IPv4');
    expect(invalid(() => resolveSendTarget(v6, { ...target, interfaceId: v6.id }, 1900)).code).toBe(
      'SSDP_ERR_INVALID_TARGET',
    );
  });

  it('sends a broadcast to the interface broadcast address (or the one given) and the SSDP port (or the one given)', () => {
    expect(resolveSendTarget(v4, { kind: 'broadcast', interfaceId: v4.id }, 1337)).toEqual({
      address: '192.168.1.255',
      port: 1337,
    });
    expect(
      resolveSendTarget(v4, { kind: 'broadcast', interfaceId: v4.id, address: '255.255.255.255', port: 9 }, 1337),
    ).toEqual({ address: '255.255.255.255', port: 9 });
    const error = invalid(() => resolveSendTarget(v6, { kind: 'broadcast', interfaceId: v6.id }, 1337));
    expect(error.code).toBe('SSDP_ERR_INVALID_TARGET');
    expect(error.message).toBe('eth0/IPv6 has no IPv4 broadcast address');
    const { broadcast: _, ...noBroadcast } = v4;
    expect(invalid(() => resolveSendTarget(noBroadcast, { kind: 'broadcast', interfaceId: v4.id }, 1337)).code).toBe(
      'SSDP_ERR_INVALID_TARGET',
    );
  });

  it('is scoped for Node by the UDP transport: IPv6 link-local addresses and groups get %<name>', () => {
    const group = resolveSendTarget(v6, { kind: 'multicast', interfaceId: v6.id }, 1900);
    expect(scoped(group.address, v6)).toBe('ff02::c%eth0');
    const peer = resolveSendTarget(v6, { kind: 'unicast', interfaceId: v6.id, address: 'fe80::2', port: 1 }, 1900);
    expect(scoped(peer.address, v6)).toBe('fe80::2%eth0');
    expect(scoped('fe80::2%eth1', v6)).toBe('fe80::2%eth1');
  });
});

describe('memoryVia', () => {
  it('shows each target as its kind, and a unicast to the directed broadcast address as a broadcast', () => {
    expect(memoryVia(v4, { kind: 'multicast', interfaceId: v4.id })).toBe('multicast');
    expect(memoryVia(v4, { kind: 'broadcast', interfaceId: v4.id })).toBe('broadcast');
    expect(memoryVia(v4, { kind: 'unicast', interfaceId: v4.id, address: '192.168.1.20', port: 1 })).toBe('unicast');
    expect(memoryVia(v4, { kind: 'unicast', interfaceId: v4.id, address: '192.168.1.255', port: 1 })).toBe('broadcast');
  });
});
