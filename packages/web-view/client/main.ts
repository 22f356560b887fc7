// The page: one live stream (Server-Sent Events: a snapshot, then deltas) feeding the table, the details panel
// and the traffic pane. EventSource reconnects by itself and the server then sends a fresh snapshot; after a
// refusal (503: too many viewers) the page retries on its own.
import type { DeltaMessage, SnapshotMessage } from '../src/wire.ts';
import { DetailsPanel } from './details.ts';
import { byId, setText } from './dom.ts';
import { wireSearchForm } from './search.ts';
import { DeviceStore } from './store.ts';
import { DeviceTable } from './table.ts';
import { TrafficPane } from './traffic.ts';

const RETRY_AFTER_CLOSE_MS = 3000;

const store = new DeviceStore();
const status = byId<HTMLElement>('status');
const traffic = new TrafficPane();
const details = new DetailsPanel(store, (udn) => {
  table.selectedUdn = undefined;
  table.render();
  table.focusDevice(udn);
});
const table = new DeviceTable(
  store,
  {
    scroller: byId('scroller'),
    table: byId<HTMLTableElement>('device-table'),
    tbody: byId<HTMLTableSectionElement>('rows'),
    empty: byId('empty'),
    count: byId('device-count'),
  },
  (udn) => details.open(udn),
);

/** For the browser tests and the benchmark: what the page has applied and drawn, and how long the last snapshot took. */
const debug = {
  snapshots: 0,
  deltas: 0,
  lastMessageAt: 0,
  lastSnapshot: { bytes: 0, receivedAt: 0, parseMs: 0, applyMs: 0, renderMs: 0 },
  openedAt: 0,
  deltaWorkMs: 0,
  store,
  table,
};
(window as unknown as { ssdpWebView: typeof debug }).ssdpWebView = debug;

function setStatus(text: string, state: 'live' | 'connecting' | 'down'): void {
  setText(status, text);
  status.dataset['state'] = state;
}

function onSnapshot(data: string): void {
  const started = performance.now();
  const message = JSON.parse(data) as SnapshotMessage;
  const parsed = performance.now();
  debug.snapshots += 1;
  store.applySnapshot(message);
  traffic.reset(message.traffic);
  traffic.counters(message.counters);
  setStatus('live', 'live');
  const applied = performance.now();
  table.render();
  debug.lastMessageAt = performance.now();
  debug.lastSnapshot = {
    bytes: data.length,
    receivedAt: started,
    parseMs: parsed - started,
    applyMs: applied - parsed,
    renderMs: debug.lastMessageAt - applied,
  };
  if (details.udn !== undefined) {
    if (store.get(details.udn) === undefined) details.markGone('not listed after reconnecting');
    else details.update();
  }
}

function onDelta(data: string): void {
  const started = performance.now();
  const message = JSON.parse(data) as DeltaMessage;
  debug.deltas += 1;
  debug.lastMessageAt = performance.now();
  const removed = store.applyDelta(message);
  traffic.add(message.traffic, message.trafficSkipped);
  traffic.counters(message.counters);
  table.schedule();
  const open = details.udn;
  if (open !== undefined) {
    const reason = removed.get(open);
    if (reason !== undefined) details.markGone(reason);
    else if (message.upserts.some((device) => device.udn === open)) details.update();
  }
  debug.deltaWorkMs += performance.now() - started;
}

function connect(): void {
  setStatus('connecting…', 'connecting');
  const source = new EventSource('/api/events');
  source.addEventListener('open', () => (debug.openedAt = performance.now()));
  source.addEventListener('snapshot', (event) => onSnapshot((event as MessageEvent<string>).data));
  source.addEventListener('delta', (event) => onDelta((event as MessageEvent<string>).data));
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) {
      // A refusal (503) or a broken response: EventSource gives up, so retry here.
      setStatus('disconnected, retrying…', 'down');
      setTimeout(connect, RETRY_AFTER_CLOSE_MS);
    } else {
      setStatus('reconnecting…', 'connecting');
    }
  });
}

const filter = byId<HTMLInputElement>('filter');
let filterTimer: number | undefined;
filter.addEventListener('input', () => {
  clearTimeout(filterTimer);
  filterTimer = window.setTimeout(() => {
    table.filter = filter.value;
    table.render();
  }, 80);
});

wireSearchForm();
setInterval(() => {
  table.tick();
  if (details.udn !== undefined && store.get(details.udn) !== undefined) details.update();
}, 1000);
connect();
