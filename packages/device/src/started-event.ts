// The `started` event: what the device serves, where, and the receive buffer the kernel granted.
import type { SsdpProfile } from '@ssdp/protocol';
import type { SsdpTransport } from '@ssdp/transport';
import type { DescriptionEndpoints } from './description-endpoints.ts';
import type { UnstampedEvent } from './device-context.ts';
import type { Fleet } from './fleet.ts';

export interface StartedFacts {
  readonly profile: SsdpProfile;
  readonly port: number;
  readonly bootId: number;
  readonly count: number;
  readonly fleet: Fleet;
  readonly transport: SsdpTransport;
  readonly endpoints: DescriptionEndpoints;
}

export function startedEvent(facts: StartedFacts): UnstampedEvent {
  const { fleet, transport, endpoints } = facts;
  const buffer = transport.receiveBuffer?.();
  return {
    event: 'started',
    profile: facts.profile,
    port: facts.port,
    bootId: facts.bootId,
    count: facts.count,
    advertisementCount: fleet.advertisementCount,
    interfaces: transport.interfaces.map((iface) => ({
      id: iface.id,
      address: iface.address,
      httpPort: endpoints.port(iface) ?? 0,
    })),
    devices: fleet.members.map((member) => ({
      udn: member.udn,
      friendlyName: member.friendlyName,
      configId: member.configId,
      locations: transport.interfaces
        .map((iface) => endpoints.location(iface, member))
        .filter((l): l is string => l !== undefined),
    })),
    ...(buffer === undefined
      ? {}
      : { receiveBuffer: { requested: buffer.requested, granted: buffer.granted, clamped: buffer.clamped } }),
  };
}
