// The plain data of a message: every field of its kind as an own data property, each read once from the header
// block. parseMessage returns it, a lazy view's toJSON() returns it and a view's `problems` come from it, so the
// plain message and the view can never disagree.
import {
  ProblemList,
  rawOf,
  readBootId,
  readConfigId,
  readDateField,
  readHostScopeField,
  readMan,
  readMaxAgeField,
  readMxField,
  readNextBootId,
  readNt,
  readSearchPort,
  readSt,
  readTcpPort,
  readUsnField,
} from './field-readers.ts';
import type { FieldSlots } from './header-index.ts';
import {
  F_CPFN,
  F_CPUUID,
  F_EXT,
  F_HOST,
  F_LOCATION,
  F_MX,
  F_SECURELOCATION,
  F_SERVER,
  F_USER_AGENT,
  type SsdpHeader,
} from './headers.ts';
import type { HostScope } from './host.ts';
import type { MSearchMessage, NotifyMessage, SearchResponseMessage } from './message.ts';
import { searchResponseWindow, type SearchResponseWindow } from './mx.ts';
import type { SsdpProfile } from './profile.ts';

/** A search's MX decision from its own headers. A legacy search, which the prototype broadcasts, is one-to-many. */
export function mxRuleOf(
  hostScope: HostScope | 'unknown',
  mx: number | undefined,
  mxRaw: string | undefined,
  profile: SsdpProfile,
): SearchResponseWindow {
  const multicast = hostScope !== 'unicast' || profile === 'legacy';
  return searchResponseWindow({ multicast, mx: mx ?? mxRaw, profile });
}

/** The plain M-SEARCH. Validating readers run in the order their problems are listed. */
export function mSearchData(
  profile: SsdpProfile,
  text: string,
  slots: FieldSlots,
  headers: readonly SsdpHeader[],
): MSearchMessage {
  const problems = new ProblemList();
  const hostScope = readHostScopeField(text, slots, problems);
  const man = readMan(text, slots, problems);
  const mx = readMxField(text, slots, problems);
  const st = readSt(text, slots, problems);
  const tcpPort = readTcpPort(text, slots, problems);
  const mxRaw = rawOf(text, slots, F_MX);
  return {
    kind: 'm-search',
    profile,
    headers,
    problems: problems.result(),
    host: rawOf(text, slots, F_HOST),
    hostScope,
    man,
    mxRaw,
    mx,
    mxRule: mxRuleOf(hostScope, mx, mxRaw, profile),
    st,
    userAgent: rawOf(text, slots, F_USER_AGENT),
    cpfn: rawOf(text, slots, F_CPFN),
    cpuuid: rawOf(text, slots, F_CPUUID),
    tcpPort,
  };
}

/**
 * The fields of search responses and NOTIFYs, with the problems of both kinds' headers (a search response with a
 * bad NT lists it, as a NOTIFY with a bad DATE does).
 */
function advertisementData(text: string, slots: FieldSlots) {
  const problems = new ProblemList();
  const maxAge = readMaxAgeField(text, slots, problems);
  const date = readDateField(text, slots, problems);
  const st = readSt(text, slots, problems);
  const nt = readNt(text, slots, problems);
  const usn = readUsnField(text, slots, problems);
  const bootId = readBootId(text, slots, problems);
  const configId = readConfigId(text, slots, problems);
  const nextBootId = readNextBootId(text, slots, problems);
  const searchPort = readSearchPort(text, slots, problems);
  return { problems: problems.result(), maxAge, date, st, nt, usn, bootId, configId, nextBootId, searchPort };
}

/** The plain search response. */
export function searchResponseData(
  profile: SsdpProfile,
  text: string,
  slots: FieldSlots,
  headers: readonly SsdpHeader[],
): SearchResponseMessage {
  const a = advertisementData(text, slots);
  return {
    kind: 'search-response',
    profile,
    headers,
    problems: a.problems,
    host: rawOf(text, slots, F_HOST),
    maxAge: a.maxAge,
    location: rawOf(text, slots, F_LOCATION),
    server: rawOf(text, slots, F_SERVER),
    usn: a.usn,
    bootId: a.bootId,
    configId: a.configId,
    searchPort: a.searchPort,
    secureLocation: rawOf(text, slots, F_SECURELOCATION),
    st: a.st,
    date: a.date,
    ext: slots[F_EXT << 1]! >= 0,
  };
}

/** The plain NOTIFY of kind `kind`, whose NTS (`nts`, the one of that kind) is already classified. */
export function notifyData(
  kind: NotifyMessage['kind'],
  nts: NotifyMessage['nts'],
  profile: SsdpProfile,
  text: string,
  slots: FieldSlots,
  headers: readonly SsdpHeader[],
): NotifyMessage {
  const a = advertisementData(text, slots);
  return {
    kind,
    profile,
    headers,
    problems: a.problems,
    host: rawOf(text, slots, F_HOST),
    maxAge: a.maxAge,
    location: rawOf(text, slots, F_LOCATION),
    server: rawOf(text, slots, F_SERVER),
    usn: a.usn,
    bootId: a.bootId,
    configId: a.configId,
    searchPort: a.searchPort,
    secureLocation: rawOf(text, slots, F_SECURELOCATION),
    nt: a.nt,
    nts,
    nextBootId: a.nextBootId,
  } as NotifyMessage;
}
