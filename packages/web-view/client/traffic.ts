// The traffic pane: the latest lines (newest first, a bounded number in the DOM) and the counters.
import type { TrafficEntry, WireCounters } from '../src/wire.ts';
import { byId, el, setText } from './dom.ts';
import { clockTime } from './format.ts';

const MAX_LINES = 300;
/** Lines drawn per draw at most (the latest); a flood is counted, not drawn line by line. */
const MAX_NEW_LINES = 100;
/** Draws at most this often: at 1,000 lines/s nobody reads them, and drawing each costs the table its frames. */
const DRAW_EVERY_MS = 250;

function sum(record: Readonly<Record<string, number>>): number {
  return Object.values(record).reduce((total, value) => total + value, 0);
}

export class TrafficPane {
  readonly #list = byId<HTMLOListElement>('traffic-list');
  readonly #counters = byId<HTMLElement>('counters');
  readonly #skipped = byId<HTMLElement>('traffic-skipped');
  readonly #pause = byId<HTMLButtonElement>('traffic-pause');
  readonly #cells = new Map<string, HTMLElement>();
  #paused = false;
  #skippedCount = 0;
  /** Lines waiting for the next draw (the latest MAX_NEW_LINES). */
  #pending: TrafficEntry[] = [];
  #timer: number | undefined;
  #drawnAt = 0;

  constructor() {
    this.#pause.addEventListener('click', () => {
      this.#paused = !this.#paused;
      this.#pause.setAttribute('aria-pressed', String(this.#paused));
      setText(this.#pause, this.#paused ? 'Resume' : 'Pause');
    });
  }

  reset(entries: readonly TrafficEntry[]): void {
    this.#list.replaceChildren();
    this.#skippedCount = 0;
    this.#pending = entries.slice(-MAX_LINES); // a new snapshot's history: drawn whole, not counted as skipped
    this.#draw();
  }

  add(entries: readonly TrafficEntry[], skipped: number): void {
    this.#skippedCount += skipped;
    if (this.#paused) this.#skippedCount += entries.length;
    else this.#pending.push(...entries);
    if (this.#pending.length > MAX_NEW_LINES) {
      this.#skippedCount += this.#pending.length - MAX_NEW_LINES;
      this.#pending = this.#pending.slice(-MAX_NEW_LINES);
    }
    if (this.#timer === undefined) {
      this.#timer = window.setTimeout(
        () => this.#draw(),
        Math.max(0, this.#drawnAt + DRAW_EVERY_MS - performance.now()),
      );
    }
  }

  #draw(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#drawnAt = performance.now();
    setText(
      this.#skipped,
      this.#skippedCount === 0
        ? ''
        : `${this.#skippedCount} lines skipped (more than ${MAX_NEW_LINES} in ${DRAW_EVERY_MS} ms, or paused)`,
    );
    const entries = this.#pending;
    this.#pending = [];
    if (entries.length === 0) return;
    const fragment = document.createDocumentFragment();
    for (let i = entries.length - 1; i >= 0; i -= 1) fragment.append(this.#line(entries[i]!));
    this.#list.prepend(fragment);
    while (this.#list.childElementCount > MAX_LINES) this.#list.lastElementChild?.remove();
  }

  #line(entry: TrafficEntry): HTMLLIElement {
    return el('li', { className: `t-${entry.kind.replace(/[^a-z-]/g, '')}` }, [
      el('time', { text: clockTime(entry.time), attributes: { datetime: entry.time } }),
      el('span', { className: 'kind', text: entry.kind }),
      el('span', { className: 'from', text: entry.address ?? '' }),
      el('span', { className: 'what', text: entry.udn === null ? entry.text : `${entry.text}  ${entry.udn}` }),
    ]);
  }

  counters(counters: WireCounters): void {
    const cp = counters.controlPoint as Record<string, number | Record<string, number>>;
    const num = (value: unknown): number => (typeof value === 'number' ? value : 0);
    const dropped = (cp['dropped'] ?? {}) as Record<string, number>;
    const items: [string, string][] = [
      ['devices', String(counters.devices)],
      ['datagrams', String(num(cp['datagrams']))],
      ['searches sent', String(num(cp['searchesSent']))],
      ['NOTIFY alive', counters.rawMessages ? String(counters.messages['notify-alive'] ?? 0) : '—'],
      [
        'byebye',
        counters.rawMessages
          ? String(counters.messages['notify-byebye'] ?? 0)
          : String(counters.events['device-removed-byebye'] ?? 0),
      ],
      ['update', counters.rawMessages ? String(counters.messages['notify-update'] ?? 0) : '—'],
      ['responses', counters.rawMessages ? String(counters.messages['search-response'] ?? 0) : '—'],
      ['M-SEARCH heard', String(num(cp['ignored']))],
      ['descriptions', `${num(cp['describeStarted'])} (${num(cp['describeFailed'])} failed)`],
      ['evicted', String(num(cp['evicted']))],
      ['dropped', String(sum(dropped))],
      ['viewers', String(counters.viewers)],
      ['HTTP cut', String(sum(counters.http))],
    ];
    for (const [reason, count] of Object.entries(dropped)) if (count > 0) items.push([`  ${reason}`, String(count)]);
    // In place: ten deltas a second must not rebuild the list each time.
    for (const [label, value] of items) {
      let cell = this.#cells.get(label);
      if (cell === undefined) {
        cell = el('dd');
        this.#cells.set(label, cell);
        this.#counters.append(el('div', {}, [el('dt', { text: label }), cell]));
      }
      setText(cell, value);
    }
  }
}
