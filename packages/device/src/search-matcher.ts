// Which advertisements of the fleet answer a search: ssdp:all and upnp:rootdevice are precomputed per member, a
// uuid: target goes straight to its member, and the legacy profile answers any ST with the root device.
import { searchResponses, type MSearchMessage, type SearchMatch, type SearchTarget } from '@ssdp/protocol';
import type { DeviceContext } from './device-context.ts';
import type { FleetMember } from './fleet.ts';

export interface Answer {
  readonly member: FleetMember;
  readonly match: SearchMatch;
}

export function createSearchMatcher(context: DeviceContext): (message: MSearchMessage) => Answer[] {
  // ssdp:all and upnp:rootdevice are the common searches: their matches are computed once per member.
  const allMatches = new Map<FleetMember, SearchMatch[]>();
  const byUuid = new Map<string, FleetMember>();
  for (const member of context.fleet.members) {
    allMatches.set(
      member,
      member.advertisements.map(({ nt, usn }) => ({ st: nt, usn })),
    );
    for (const uuid of member.uuids) byUuid.set(uuid, member);
  }

  function matchesOf(member: FleetMember, st: SearchTarget): SearchMatch[] {
    if (st.type === 'all') return allMatches.get(member) ?? [];
    if (st.type === 'root-device') return [{ st: 'upnp:rootdevice', usn: `${member.udn}::upnp:rootdevice` }];
    return searchResponses(member.description.device, st);
  }

  return function collect(message: MSearchMessage): Answer[] {
    const st = message.st;
    const out: Answer[] = [];
    if (st !== undefined && st.type === 'uuid') {
      const member = byUuid.get(st.uuid.toLowerCase());
      if (member !== undefined) for (const match of matchesOf(member, st)) out.push({ member, match });
    } else if (st !== undefined) {
      for (const member of context.fleet.members)
        for (const match of matchesOf(member, st)) out.push({ member, match });
    }
    if (out.length === 0 && context.profile === 'legacy') {
      // The prototype sends `ST: null` and expects an answer whatever the ST: the root device says it is alive.
      for (const member of context.fleet.members)
        out.push({ member, match: { st: 'upnp:rootdevice', usn: `${member.udn}::upnp:rootdevice` } });
    }
    return out;
  };
}
