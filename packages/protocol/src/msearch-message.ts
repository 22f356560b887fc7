// The lazy view of an M-SEARCH: its typed fields, each computed on first read (see lazy-message.ts).
import { rawOf, readHostScopeField, readMan, readMxField, readSt, readTcpPort } from './field-readers.ts';
import { F_CPFN, F_CPUUID, F_MX, F_USER_AGENT, type SsdpHeader } from './headers.ts';
import type { HostScope } from './host.ts';
import { LazyMessage, UNSET, type Cached } from './lazy-message.ts';
import { mSearchData, mxRuleOf } from './message-data.ts';
import type { FieldProblem, MSearchMessage, MSearchMessageView } from './message.ts';
import type { SearchResponseWindow } from './mx.ts';
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

export class MSearchMessageImpl extends LazyMessage<MSearchCache, MSearchMessage> implements MSearchMessageView {
  readonly kind = 'm-search' as const;

  protected newCache(): MSearchCache {
    return { problems: undefined, hostScope: UNSET, man: UNSET, mx: UNSET, mxRule: UNSET, st: UNSET, tcpPort: UNSET };
  }
  protected data(headers: readonly SsdpHeader[]): MSearchMessage {
    return mSearchData(this.profile, this.text, this.slots, headers);
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
    return (c.mxRule = mxRuleOf(this.hostScope, this.mx, this.mxRaw, this.profile));
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
}
