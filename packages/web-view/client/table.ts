// The device table, virtualised: only the rows in view (plus a margin) exist in the DOM, between two spacer rows
// that keep the scroll height, so 10,000 devices cost the same to draw as 30. Rows are reused; each one carries
// data-udn for the device it shows. Keyboard: the sort buttons in the headers, arrows/Page/Home/End between
// rows, Enter to open a device.
import { el, setAttribute, setText } from './dom.ts';
import { ago, countdown } from './format.ts';
import type { DeviceStore, Row, SortKey } from './store.ts';

/** Must match `.device-table tbody tr.row` in app.css. */
export const ROW_HEIGHT = 32;
const OVERSCAN = 8;
const COLUMNS = 7;

export interface TableElements {
  readonly scroller: HTMLElement;
  readonly table: HTMLTableElement;
  readonly tbody: HTMLTableSectionElement;
  readonly empty: HTMLElement;
  readonly count: HTMLElement;
}

interface PooledRow {
  readonly tr: HTMLTableRowElement;
  readonly cells: HTMLTableCellElement[];
}

export class DeviceTable {
  sort: SortKey = 'name';
  descending = false;
  filter = '';
  selectedUdn: string | undefined;
  /** Draws done and the time they took, for the benchmark. */
  renders = 0;
  renderMs = 0;
  readonly #store: DeviceStore;
  readonly #elements: TableElements;
  readonly #onOpen: (udn: string) => void;
  readonly #pool: PooledRow[] = [];
  readonly #top: HTMLTableRowElement;
  readonly #bottom: HTMLTableRowElement;
  #rows: Row[] = [];
  #first = 0;
  #active = 0;
  #pending = false;
  /** Geometry read in scroll and resize callbacks, so a draw never forces a layout. */
  #scrollTop = 0;
  #viewport = 0;
  #head = 0;

  constructor(store: DeviceStore, elements: TableElements, onOpen: (udn: string) => void) {
    this.#store = store;
    this.#elements = elements;
    this.#onOpen = onOpen;
    this.#top = this.#spacer();
    this.#bottom = this.#spacer();
    elements.tbody.append(this.#top, this.#bottom);
    elements.scroller.addEventListener(
      'scroll',
      () => {
        this.#scrollTop = elements.scroller.scrollTop;
        this.schedule();
      },
      { passive: true },
    );
    const measure = new ResizeObserver(() => {
      this.#measure();
      this.schedule();
    });
    measure.observe(elements.scroller);
    if (elements.table.tHead !== null) measure.observe(elements.table.tHead);
    elements.tbody.addEventListener('click', (event) => this.#onClick(event));
    elements.tbody.addEventListener('keydown', (event) => this.#onKey(event));
    elements.tbody.addEventListener('focusin', (event) => {
      const index = this.#indexOf(event.target);
      if (index !== undefined) this.#active = index;
    });
    for (const button of elements.table.querySelectorAll<HTMLButtonElement>('thead button[data-sort]')) {
      button.addEventListener('click', () => this.#sortBy(button.dataset['sort'] as SortKey));
    }
  }

  #spacer(): HTMLTableRowElement {
    const td = el('td', { attributes: { colspan: String(COLUMNS) } });
    return el('tr', { className: 'spacer', attributes: { 'aria-hidden': 'true' } }, [td]);
  }

  /** Draws at the next frame, once, however many changes come before it. */
  schedule(): void {
    if (this.#pending) return;
    this.#pending = true;
    requestAnimationFrame(() => {
      this.#pending = false;
      this.render();
    });
  }

  render(): void {
    const started = performance.now();
    this.#draw();
    this.renders += 1;
    this.renderMs += performance.now() - started;
  }

  #measure(): void {
    const { scroller, table } = this.#elements;
    this.#scrollTop = scroller.scrollTop;
    this.#viewport = scroller.clientHeight;
    this.#head = table.tHead?.offsetHeight ?? 0;
  }

  #draw(): void {
    const { tbody, empty, count, table } = this.#elements;
    if (this.#viewport === 0) this.#measure();
    this.#rows = this.#store.view(this.filter, this.sort, this.descending);
    const total = this.#rows.length;
    setText(count, total === this.#store.size ? String(total) : `${total} of ${this.#store.size}`);
    empty.hidden = total > 0;
    setAttribute(table, 'aria-rowcount', String(total + 1));
    const first = Math.max(0, Math.floor((this.#scrollTop - this.#head) / ROW_HEIGHT) - OVERSCAN);
    const visible = Math.ceil(this.#viewport / ROW_HEIGHT) + OVERSCAN * 2;
    const last = Math.min(total, first + visible);
    this.#first = first;
    this.#setSpacer(this.#top, first * ROW_HEIGHT);
    this.#setSpacer(this.#bottom, (total - last) * ROW_HEIGHT);
    const focusedIndex = this.#indexOf(document.activeElement);
    const now = this.#store.serverNow();
    const activeShown = this.#active >= first && this.#active < last;
    for (let i = first; i < last; i += 1) {
      const pooled = this.#pooled(i - first);
      if (pooled.tr.parentNode !== tbody) tbody.insertBefore(pooled.tr, this.#bottom);
      this.#fill(pooled, this.#rows[i]!, i, now, activeShown ? i === this.#active : i === first);
    }
    for (let j = last - first; j < this.#pool.length; j += 1) this.#pool[j]!.tr.remove();
    if (focusedIndex !== undefined && activeShown) this.#pool[this.#active - first]?.tr.focus({ preventScroll: true });
  }

  #setSpacer(spacer: HTMLTableRowElement, height: number): void {
    if (spacer.hidden !== (height === 0)) spacer.hidden = height === 0;
    const css = `${height}px`;
    if (spacer.style.height !== css) spacer.style.height = css;
  }

  #pooled(index: number): PooledRow {
    let pooled = this.#pool[index];
    if (pooled === undefined) {
      const cells = Array.from({ length: COLUMNS }, (_, c) => el('td', { className: `c${c}` }));
      const tr = el('tr', { className: 'row', attributes: { tabindex: '-1' } }, cells);
      pooled = { tr, cells };
      this.#pool[index] = pooled;
    }
    return pooled;
  }

  #fill(pooled: PooledRow, row: Row, index: number, now: number, tabStop: boolean): void {
    const { tr, cells } = pooled;
    const device = row.device;
    if (tr.dataset['udn'] !== device.udn) tr.dataset['udn'] = device.udn;
    setAttribute(tr, 'aria-rowindex', String(index + 2));
    if (tr.tabIndex !== (tabStop ? 0 : -1)) tr.tabIndex = tabStop ? 0 : -1;
    const selected = device.udn === this.selectedUdn;
    if (tr.classList.contains('selected') !== selected) tr.classList.toggle('selected', selected);
    setAttribute(tr, 'aria-selected', String(selected));
    setText(cells[0]!, row.name);
    setText(cells[1]!, row.type);
    setText(cells[2]!, row.model);
    setText(cells[3]!, device.address);
    setText(cells[4]!, device.bootId === null ? '' : String(device.bootId));
    this.#fillTimes(pooled, row, now);
    if (cells[0]!.title !== row.name) cells[0]!.title = row.name;
    if (cells[1]!.title !== (device.deviceType ?? '')) cells[1]!.title = device.deviceType ?? '';
  }

  #fillTimes(pooled: PooledRow, row: Row, now: number): void {
    setText(pooled.cells[5]!, ago(now - row.lastSeenMs));
    setText(pooled.cells[6]!, countdown(row.expiresMs - now));
    const soon = row.expiresMs - now < 30_000;
    if (pooled.cells[6]!.classList.contains('soon') !== soon) pooled.cells[6]!.classList.toggle('soon', soon);
  }

  /** Refreshes the ages and countdowns of the rows in view (once a second). */
  tick(): void {
    const now = this.#store.serverNow();
    this.#pool.forEach((pooled, offset) => {
      const row = this.#rows[this.#first + offset];
      if (row !== undefined && pooled.tr.isConnected) this.#fillTimes(pooled, row, now);
    });
  }

  #indexOf(target: EventTarget | null): number | undefined {
    if (!(target instanceof HTMLElement)) return undefined;
    const tr = target.closest('tr.row');
    if (tr === null) return undefined;
    const offset = this.#pool.findIndex((pooled) => pooled.tr === tr);
    return offset < 0 ? undefined : this.#first + offset;
  }

  #onClick(event: MouseEvent): void {
    const index = this.#indexOf(event.target);
    if (index === undefined) return;
    this.#active = index;
    this.#open(index);
  }

  #open(index: number): void {
    const row = this.#rows[index];
    if (row === undefined) return;
    this.selectedUdn = row.device.udn;
    this.render();
    this.#onOpen(row.device.udn);
  }

  #onKey(event: KeyboardEvent): void {
    const index = this.#indexOf(event.target);
    if (index === undefined) return;
    const page = Math.max(1, Math.floor(this.#elements.scroller.clientHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: page,
      PageUp: -page,
      Home: -Infinity,
      End: Infinity,
    };
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.#open(index);
      return;
    }
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    this.moveTo(Math.max(0, Math.min(this.#rows.length - 1, index + move)));
  }

  /** Makes row `index` the active one, scrolled into view and focused. */
  moveTo(index: number): void {
    this.#active = index;
    const { scroller } = this.#elements;
    this.#measure();
    const top = this.#head + index * ROW_HEIGHT;
    if (top - this.#head < this.#scrollTop) scroller.scrollTop = top - this.#head;
    else if (top + ROW_HEIGHT > this.#scrollTop + this.#viewport)
      scroller.scrollTop = top + ROW_HEIGHT - this.#viewport;
    this.#scrollTop = scroller.scrollTop;
    this.render();
    this.#pool[index - this.#first]?.tr.focus({ preventScroll: true });
  }

  /** Focuses a device's row (after its details panel closes), if it is still listed. */
  focusDevice(udn: string): void {
    const index = this.#rows.findIndex((row) => row.device.udn === udn);
    if (index >= 0) this.moveTo(index);
  }

  #sortBy(key: SortKey): void {
    this.descending = key === this.sort ? !this.descending : false;
    this.sort = key;
    for (const th of this.#elements.table.querySelectorAll<HTMLTableCellElement>('thead th')) {
      const button = th.querySelector<HTMLButtonElement>('button[data-sort]');
      if (button?.dataset['sort'] === key) th.setAttribute('aria-sort', this.descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    }
    this.render();
  }
}
