// The lazy views of search responses and NOTIFYs: their shared advertisement fields and their own, each computed
// on first read (see lazy-message.ts).
import {
  rawOf,
  readBootId,
  readConfigId,
  readDateField,
  readMaxAgeField,
  readNextBootId,
  readNt,
  readSearchPort,
  readSt,
  readUsnField,
} from './field-readers.ts';
import type { FieldSlots } from './header-index.ts';
import { F_EXT, F_LOCATION, F_SECURELOCATION, F_SERVER, type SsdpHeader } from './headers.ts';
import { LazyMessage, UNSET, type Cached } from './lazy-message.ts';
import { notifyData, searchResponseData } from './message-data.ts';
import type {
  FieldProblem,
  NotifyMessage,
  SearchResponseMessage,
  SearchResponseMessageView,
  SsdpMessageViewMethods,
} from './message.ts';
import type { SsdpProfile } from './profile.ts';
import type { NotificationType, SearchTarget } from './search-target.ts';
import type { Usn } from './usn.ts';

/** The typed fields of a search response or NOTIFY once computed (the kind-specific ones stay UNSET on the other). */
interface AdvertisementCache {
  problems: readonly FieldProblem[] | undefined;
  maxAge: Cached<number | undefined>;
  usn: Cached<Usn | undefined>;
  bootId: Cached<number | undefined>;
  configId: Cached<number | undefined>;
  searchPort: Cached<number | undefined>;
  st: Cached<SearchTarget | undefined>;
  date: Cached<Date | undefined>;
  nt: Cached<NotificationType | undefined>;
  nextBootId: Cached<number | undefined>;
}

/** Search responses and NOTIFYs share their advertisement fields. */
abstract class AdvertisementMessage<M extends SearchResponseMessage | NotifyMessage> extends LazyMessage<
  AdvertisementCache,
  M
> {
  protected newCache(): AdvertisementCache {
    return {
      problems: undefined,
      maxAge: UNSET,
      usn: UNSET,
      bootId: UNSET,
      configId: UNSET,
      searchPort: UNSET,
      st: UNSET,
      date: UNSET,
      nt: UNSET,
      nextBootId: UNSET,
    };
  }
  get maxAge(): number | undefined {
    const c = this.cache;
    return c.maxAge === UNSET ? (c.maxAge = readMaxAgeField(this.text, this.slots)) : c.maxAge;
  }
  get location(): string | undefined {
    return rawOf(this.text, this.slots, F_LOCATION);
  }
  get server(): string | undefined {
    return rawOf(this.text, this.slots, F_SERVER);
  }
  get usn(): Usn | undefined {
    const c = this.cache;
    return c.usn === UNSET ? (c.usn = readUsnField(this.text, this.slots)) : c.usn;
  }
  get bootId(): number | undefined {
    const c = this.cache;
    return c.bootId === UNSET ? (c.bootId = readBootId(this.text, this.slots)) : c.bootId;
  }
  get configId(): number | undefined {
    const c = this.cache;
    return c.configId === UNSET ? (c.configId = readConfigId(this.text, this.slots)) : c.configId;
  }
  get searchPort(): number | undefined {
    const c = this.cache;
    return c.searchPort === UNSET ? (c.searchPort = readSearchPort(this.text, this.slots)) : c.searchPort;
  }
  get secureLocation(): string | undefined {
    return rawOf(this.text, this.slots, F_SECURELOCATION);
  }
}

export class SearchResponseMessageImpl
  extends AdvertisementMessage<SearchResponseMessage>
  implements SearchResponseMessageView
{
  readonly kind = 'search-response' as const;

  protected data(headers: readonly SsdpHeader[]): SearchResponseMessage {
    return searchResponseData(this.profile, this.text, this.slots, headers);
  }

  get st(): SearchTarget | undefined {
    const c = this.cache;
    return c.st === UNSET ? (c.st = readSt(this.text, this.slots)) : c.st;
  }
  get date(): Date | undefined {
    const c = this.cache;
    return c.date === UNSET ? (c.date = readDateField(this.text, this.slots)) : c.date;
  }
  get ext(): boolean {
    return this.slots[F_EXT << 1]! >= 0;
  }
}

/** The plain NOTIFY whose kind is `K`. */
type NotifyOf<K extends NotifyMessage['kind']> = Extract<NotifyMessage, { readonly kind: K }>;

export class NotifyMessageImpl<K extends NotifyMessage['kind']>
  extends AdvertisementMessage<NotifyOf<K>>
  implements SsdpMessageViewMethods<NotifyOf<K>>
{
  readonly kind: K;
  readonly nts: NotifyOf<K>['nts'];

  constructor(
    kind: K,
    nts: NotifyOf<K>['nts'],
    profile: SsdpProfile,
    text: string,
    slots: FieldSlots,
    first: number,
    headers: readonly SsdpHeader[] | undefined,
  ) {
    super(profile, text, slots, first, headers);
    this.kind = kind;
    this.nts = nts;
  }
  protected data(headers: readonly SsdpHeader[]): NotifyOf<K> {
    return notifyData(this.kind, this.nts, this.profile, this.text, this.slots, headers) as NotifyOf<K>;
  }
  get nt(): NotificationType | undefined {
    const c = this.cache;
    return c.nt === UNSET ? (c.nt = readNt(this.text, this.slots)) : c.nt;
  }
  get nextBootId(): number | undefined {
    const c = this.cache;
    return c.nextBootId === UNSET ? (c.nextBootId = readNextBootId(this.text, this.slots)) : c.nextBootId;
  }
}
