// The M-SEARCH message: its typed fields, each computed on first read (see lazy-message.ts).
import {
  rawOf,
  readHostScopeField,
  readMan,
  readMxField,
  readSt,
  readTcpPort,
  type ProblemList,
} from './field-readers.ts';
import { F_CPFN, F_CPUUID, F_MX, F_USER_AGENT } from './headers.ts';
import type { HostScope } from './host.ts';
import { LazyMessage, UNSET, type Cached } from './lazy-message.ts';
import type { FieldProblem, MSearchMessage } from './message.ts';
import { searchResponseWindow, type SearchResponseWindow } from './mx.ts';
import type { SearchTarget } from './search-target.ts';

/** The typed fields of an M-SEARCH once computed; created on the first typed read (a literal: one allocation). */
interface MSearchCache {
  problems: readonly FieldProblem[] | undefined;
  hostScope: Cached<HostScope | 'unknown'>;
  man: Cached<string | undefined>;
  mx: Cached<number | undefined>;
  mxRule: Cached<SearchResponseWindow>;
  st: Cached<SearchTarget | undefined>;
  tcpPort: Cached<number | undefined>;
}

export class MSearchMessageImpl extends LazyMessage<MSearchCache> implements MSearchMessage {
  readonly kind = 'm-search' as const;

  protected newCache(): MSearchCache {
    return { problems: undefined, hostScope: UNSET, man: UNSET, mx: UNSET, mxRule: UNSET, st: UNSET, tcpPort: UNSET };
  }
  protected check(problems: ProblemList): void {
    const { text, slots } = this;
    readHostScopeField(text, slots, problems);
    readMan(text, slots, problems);
    readMxField(text, slots, problems);
    readSt(text, slots, problems);
    readTcpPort(text, slots, problems);
  }
  get hostScope(): HostScope | 'unknown' {
    const c = this.cache;
    return c.hostScope === UNSET ? (c.hostScope = readHostScopeField(this.text, this.slots)) : c.hostScope;
  }
  get man(): string | undefined {
    const c = this.cache;
    return c.man === UNSET ? (c.man = readMan(this.text, this.slots)) : c.man;
  }
  get mxRaw(): string | undefined {
    return rawOf(this.text, this.slots, F_MX);
  }
  get mx(): number | undefined {
    const c = this.cache;
    return c.mx === UNSET ? (c.mx = readMxField(this.text, this.slots)) : c.mx;
  }
  get mxRule(): SearchResponseWindow {
    const c = this.cache;
    if (c.mxRule !== UNSET) return c.mxRule;
    // The prototype broadcasts its search, so a legacy search counts as one-to-many whatever HOST says.
    const multicast = this.hostScope !== 'unicast' || this.profile === 'legacy';
    return (c.mxRule = searchResponseWindow({ multicast, mx: this.mx ?? this.mxRaw, profile: this.profile }));
  }
  get st(): SearchTarget | undefined {
    const c = this.cache;
    return c.st === UNSET ? (c.st = readSt(this.text, this.slots)) : c.st;
  }
  get userAgent(): string | undefined {
    return rawOf(this.text, this.slots, F_USER_AGENT);
  }
  get cpfn(): string | undefined {
    return rawOf(this.text, this.slots, F_CPFN);
  }
  get cpuuid(): string | undefined {
    return rawOf(this.text, this.slots, F_CPUUID);
  }
  get tcpPort(): number | undefined {
    const c = this.cache;
    return c.tcpPort === UNSET ? (c.tcpPort = readTcpPort(this.text, this.slots)) : c.tcpPort;
  }
  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      profile: this.profile,
      headers: this.headers,
      problems: this.problems,
      host: this.host,
      hostScope: this.hostScope,
      man: this.man,
      mxRaw: this.mxRaw,
      mx: this.mx,
      mxRule: this.mxRule,
      st: this.st,
      userAgent: this.userAgent,
      cpfn: this.cpfn,
      cpuuid: this.cpuuid,
      tcpPort: this.tcpPort,
    };
  }
}
