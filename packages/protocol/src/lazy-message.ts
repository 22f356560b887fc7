// The lazy message view shared by every kind: a message keeps its header block as one string plus the positions
// of the known headers' values (see header-index.ts); each typed field is computed on its first read, straight
// from its value's position, and cached. `headers` cuts the whole list out on first read; `problems` and
// toJSON() come from the plain data (message-data.ts), so a view and its plain message always agree.
import { rawOf } from './field-readers.ts';
import { findHeaderValue, materializeHeaders, type FieldSlots } from './header-index.ts';
import { F_HOST, fieldIdOf, type SsdpHeader } from './headers.ts';
import type { FieldProblem, SsdpMessage } from './message.ts';
import type { SsdpProfile } from './profile.ts';

/** Marks a cached field not computed yet (undefined is a legitimate field value). */
export const UNSET: unique symbol = Symbol('unset');
export type Cached<T> = T | typeof UNSET;

/** The header list handed to the plain-data builder when only its problems are wanted. */
const NO_HEADERS: readonly SsdpHeader[] = Object.freeze([]);

/**
 * What every message class shares: the eager part (profile), the header block and the cache of typed fields.
 * They live in private fields, so `Object.keys` and spread see only the plain properties. The constructor
 * stores a handful of fields; the cache object is allocated on the first typed read.
 */
export abstract class LazyMessage<C extends { problems: readonly FieldProblem[] | undefined }, M extends SsdpMessage> {
  readonly profile: SsdpProfile;
  readonly #text: string;
  readonly #slots: FieldSlots;
  readonly #first: number;
  #headers: readonly SsdpHeader[] | undefined;
  #cache: C | undefined;

  constructor(
    profile: SsdpProfile,
    text: string,
    slots: FieldSlots,
    first: number,
    headers: readonly SsdpHeader[] | undefined,
  ) {
    this.profile = profile;
    this.#text = text;
    this.#slots = slots;
    this.#first = first;
    this.#headers = headers;
    this.#cache = undefined;
  }

  /** The text the slots point into. */
  protected get text(): string {
    return this.#text;
  }

  protected get slots(): FieldSlots {
    return this.#slots;
  }

  protected get cache(): C {
    return (this.#cache ??= this.newCache());
  }

  protected abstract newCache(): C;

  /** Every header line in wire order (cut out of the datagram once, on first read). */
  get headers(): readonly SsdpHeader[] {
    return (this.#headers ??= materializeHeaders(this.#text, this.#first));
  }

  /** First value of a header (ASCII case-insensitive), without materializing the header list. */
  header(name: string): string | undefined {
    const field = fieldIdOf(name);
    if (field >= 0) return rawOf(this.#text, this.#slots, field);
    return findHeaderValue(this.#text, this.#first, name);
  }

  /** The plain data of this message with `headers` as its header list (see message-data.ts). */
  protected abstract data(headers: readonly SsdpHeader[]): M;

  /** The plain data of this message: what parseMessage returns for the same datagram. */
  toJSON(): M {
    return this.data(this.headers);
  }

  get problems(): readonly FieldProblem[] {
    const cache = this.cache;
    return (cache.problems ??= this.data(NO_HEADERS).problems);
  }

  get host(): string | undefined {
    return rawOf(this.#text, this.#slots, F_HOST);
  }
}
