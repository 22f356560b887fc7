// The bytes of each answer, built once per second. Under a storm the same few answers go out thousands of times a
// second, and serializing one was a share of the work per search. What an answer's bytes depend on: the
// interface and its LOCATION (address and HTTP port), the member (CONFIGID) and the match (ST, USN), the constant
// SERVER, CACHE-CONTROL and SEARCHPORT, and, at run time, BOOTID (changes on an interface change) and DATE
// (formatted to the second). So the cache keeps one second's answers for one BOOTID: a new second or a new BOOTID
// starts it over, which also bounds it to the answers of one second; the LOCATION is compared on every use.
import type { SearchMatch } from '@ssdp/protocol';
import type { TransportInterface } from '@ssdp/transport';
import type { FleetMember } from './fleet.ts';

export type BuildAnswer = (
  now: number,
  iface: TransportInterface,
  location: string,
  member: FleetMember,
  match: SearchMatch,
) => Uint8Array;

export interface AnswerCache {
  /** The answer's bytes at clock time `now` under `bootId`: built by `build`, or the same bytes as before this second. */
  get(
    now: number,
    bootId: number,
    iface: TransportInterface,
    location: string,
    member: FleetMember,
    match: SearchMatch,
  ): Uint8Array;
}

interface Entry {
  readonly location: string;
  readonly bytes: Uint8Array;
}

export function createAnswerCache(build: BuildAnswer): AnswerCache {
  let second = Number.NaN;
  let bootId = Number.NaN;
  // interface id -> USN -> ST -> entry (a USN usually has one ST; a type search echoes the requested version).
  let entries = new Map<string, Map<string, Map<string, Entry>>>();

  return {
    get(now, currentBootId, iface, location, member, match) {
      const nowSecond = Math.floor(now / 1000);
      if (nowSecond !== second || currentBootId !== bootId) {
        second = nowSecond;
        bootId = currentBootId;
        entries = new Map();
      }
      let byUsn = entries.get(iface.id);
      if (byUsn === undefined) entries.set(iface.id, (byUsn = new Map()));
      let bySt = byUsn.get(match.usn);
      if (bySt === undefined) byUsn.set(match.usn, (bySt = new Map()));
      const entry = bySt.get(match.st);
      if (entry !== undefined && entry.location === location) return entry.bytes;
      const bytes = build(now, iface, location, member, match);
      bySt.set(match.st, { location, bytes });
      return bytes;
    },
  };
}
