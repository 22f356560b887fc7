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

/** For the browser tests and the benchmark: what the page has applied and drawn. */
const debug = { snapshots: 0, deltas: 0, lastMessageAt: 0, store, table };
(window as unknown as { ssdpWebView: typeof debug }).ssdpWebView = debug;

function setStatus(text: string, state: 'live' | 'connecting' | 'down'): void {
  setText(status, text);
  status.dataset['state'] = state;
}

function onSnapshot(message: SnapshotMessage): void {
  debug.snapshots += 1;
  debug.lastMessageAt = performance.now();
  store.applySnapshot(message);
  traffic.reset(message.traffic);
  traffic.counters(message.counters);
  setStatus('live', 'live');
  table.render();
  if (details.udn !== undefined) {
    if (store.get(details.udn) === undefined) details.markGone('not listed after reconnecting');
    else details.update();
  }
}

function onDelta(message: DeltaMessage): void {
  debug.deltas += 1;
  debug.lastMessageAt = performance.now();
  const removed = store.applyDelta(message);
  traffic.add(message.traffic, message.trafficSkipped);
  traffic.counters(message.counters);
  table.schedule();
  const open = details.udn;
  if (open === undefined) return;
  const reason = removed.get(open);
  if (reason !== undefined) details.markGone(reason);
  else if (message.upserts.some((device) => device.udn === open)) details.update();
}

function connect(): void {
  setStatus('connecting…', 'connecting');
  const source = new EventSource('/api/events');
  source.addEventListener('snapshot', (event) => onSnapshot(JSON.parse((event as MessageEvent<string>).data) as SnapshotMessage));
  source.addEventListener('delta', (event) => onDelta(JSON.parse((event as MessageEvent<string>).data) as DeltaMessage));
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
