// Web view benchmark in headless Chromium (nx run browser:bench): the first render of 10,000 devices, then an
// update stream of 1,000 events/s for 10 s. The control point is a stand-in that holds the devices and emits the
// events (the network is not what is measured here). Prints the figures for docs/benchmarks.md.
//
// Options: --devices N (10000), --rate EVENTS_PER_S (1000), --seconds S (10), --runs R (3).
import { EventEmitter } from 'node:events';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type {
  ControlPointEvent,
  ControlPointStats,
  DescriptionLookup,
  DiscoveredDevice,
  ResourceLookup,
} from '@ssdp/control-point';
import { attachWebView, type WebViewSource } from '@ssdp/web-view';
import { chromiumMissing, launchChromium } from './chromium.ts';

const { values } = parseArgs({
  options: {
    devices: { type: 'string' },
    rate: { type: 'string' },
    seconds: { type: 'string' },
    runs: { type: 'string' },
  },
});
const DEVICES = Number(values.devices ?? 10_000);
const RATE = Number(values.rate ?? 1000);
const SECONDS = Number(values.seconds ?? 10);
const RUNS = Number(values.runs ?? 3);
const TYPES = [
  'BinaryLight:1',
  'MediaRenderer:1',
  'MediaServer:1',
  'InternetGatewayDevice:1',
  'DimmableLight:1',
  'Printer:1',
];

function uuid(i: number): string {
  const hex = i.toString(16).padStart(12, '0');
  return `5e1f0000-0000-4000-8000-${hex}`;
}

function makeDevice(i: number, now: number): DiscoveredDevice {
  const id = uuid(i);
  const type = `urn:schemas-upnp-org:device:${TYPES[i % TYPES.length]}`;
  const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  return {
    udn: `uuid:${id}`,
    address,
    interfaceId: 'eth0/IPv4',
    location: `http://${address}:49152/desc.xml`,
    locations: [`http://${address}:49152/desc.xml`],
    server: 'Linux/6.1 UPnP/2.0 bench/1.0',
    usns: [
      `uuid:${id}::upnp:rootdevice`,
      `uuid:${id}`,
      `uuid:${id}::${type}`,
      `uuid:${id}::urn:schemas-upnp-org:service:ConnectionManager:1`,
    ],
    deviceType: type,
    friendlyName: `Device ${String(i).padStart(5, '0')}`,
    manufacturer: ['Acme', 'Globex', 'Initech', 'Umbrella'][i % 4]!,
    modelName: `Model ${i % 97}`,
    bootId: 1,
    configId: 1,
    firstSeen: new Date(now).toISOString(),
    lastSeen: new Date(now).toISOString(),
    expiresAt: new Date(now + 1_800_000).toISOString(),
    describe: 'described',
    describeError: null,
  };
}

/** The stand-in control point: devices in a Map, events emitted on demand. */
class BenchSource extends EventEmitter implements WebViewSource {
  readonly known = new Map<string, DiscoveredDevice>();
  readonly stats = {
    datagrams: 0,
    searchesSent: 0,
    sendErrors: 0,
    ignored: 0,
    unknown: 0,
    dropped: {},
    evicted: 0,
    describeStarted: 0,
    describeFailed: 0,
  } as unknown as ControlPointStats;
  devices(): DiscoveredDevice[] {
    return [...this.known.values()];
  }
  device(udn: string): DiscoveredDevice | undefined {
    return this.known.get(udn);
  }
  async search(): Promise<void> {}
  async fetchDescription(): Promise<DescriptionLookup> {
    return { ok: false, reason: 'network', detail: 'benchmark' };
  }
  async fetchFromDevice(): Promise<ResourceLookup> {
    return { ok: false, reason: 'network', detail: 'benchmark' };
  }
  update(i: number, bootId: number): void {
    const previous = this.known.get(`uuid:${uuid(i)}`)!;
    const now = Date.now();
    const device: DiscoveredDevice = {
      ...previous,
      bootId,
      lastSeen: new Date(now).toISOString(),
      expiresAt: new Date(now + 1_800_000).toISOString(),
    };
    this.known.set(device.udn, device);
    const event: ControlPointEvent = { ...device, event: 'device-updated', time: device.lastSeen, changes: ['bootId'] };
    this.emit('event', event);
  }
}

function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

async function run(index: number): Promise<Record<string, number>> {
  const source = new BenchSource();
  const now = Date.now();
  for (let i = 0; i < DEVICES; i += 1) source.known.set(`uuid:${uuid(i)}`, makeDevice(i, now));
  const view = await attachWebView(source, { maxViewers: 4 });
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    // First render: navigation start to the table drawn with every device counted.
    const started = performance.now();
    await page.goto(view.url);
    await page.waitForFunction(
      (n) =>
        document.getElementById('device-count')?.textContent === String(n) &&
        document.querySelector('tr[data-udn]') !== null,
      DEVICES,
      { timeout: 60_000, polling: 'raf' },
    );
    const firstRenderMs = performance.now() - started;
    const inPage = await page.evaluate(() => {
      const debug = (
        window as unknown as {
          ssdpWebView: {
            openedAt: number;
            lastSnapshot: { bytes: number; receivedAt: number; parseMs: number; applyMs: number; renderMs: number };
          };
        }
      ).ssdpWebView;
      const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return {
        ...debug.lastSnapshot,
        openedAt: debug.openedAt,
        domContentLoaded: navigation?.domContentLoadedEventEnd ?? 0,
        rowsInDom: document.querySelectorAll('tr[data-udn]').length,
      };
    });

    // Update stream: frame intervals and long tasks in the page while RATE events/s arrive for SECONDS.
    // As a string: tsx would wrap named functions passed to evaluate() in a helper the page does not have.
    await page.evaluate(`(() => {
      window.frames_ = [];
      window.longTasks = [];
      window.stopFrames = false;
      new PerformanceObserver((list) => { for (const entry of list.getEntries()) window.longTasks.push(entry.duration); }).observe({ type: 'longtask' });
      let last = performance.now();
      const tick = (at) => { window.frames_.push(at - last); last = at; if (!window.stopFrames) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    })()`);
    const expected = new Map<number, number>();
    let sent = 0;
    const batchEveryMs = 10;
    const perBatch = Math.max(1, Math.round((RATE * batchEveryMs) / 1000));
    const total = RATE * SECONDS;
    let seed = 12345 + index;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const workBefore = await page.evaluate(() => {
      const debug = (
        window as unknown as { ssdpWebView: { deltaWorkMs: number; table: { renderMs: number; renders: number } } }
      ).ssdpWebView;
      return { delta: debug.deltaWorkMs, render: debug.table.renderMs, renders: debug.table.renders };
    });
    const streamStart = performance.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        // Catch up to the schedule, so the rate holds even when a timer fires late.
        const due = Math.min(total, Math.floor(((performance.now() - streamStart) / 1000) * RATE) + perBatch);
        while (sent < due) {
          const i = Math.floor(random() * DEVICES);
          const bootId = (expected.get(i) ?? 1) + 1;
          expected.set(i, bootId);
          source.update(i, bootId);
          sent += 1;
        }
        if (sent >= total) {
          clearInterval(timer);
          resolve();
        }
      }, batchEveryMs);
    });
    const streamSeconds = (performance.now() - streamStart) / 1000;
    // Every update must reach the page: the final BOOTID of each updated device, as the server has it.
    const settleStart = performance.now();
    const lastIndex = [...expected.keys()].at(-1)!;
    await page.waitForFunction(
      ({ udn, bootId }) =>
        (
          window as unknown as {
            ssdpWebView: { store: { get(u: string): { device: { bootId: number } } | undefined } };
          }
        ).ssdpWebView.store.get(udn)?.device.bootId === bootId,
      { udn: `uuid:${uuid(lastIndex)}`, bootId: expected.get(lastIndex)! },
      { timeout: 30_000 },
    );
    const settleMs = performance.now() - settleStart;
    const check = Object.fromEntries([...expected].map(([i, bootId]) => [`uuid:${uuid(i)}`, bootId]));
    const result = await page.evaluate((want) => {
      const w = window as unknown as {
        frames_: number[];
        longTasks: number[];
        stopFrames: boolean;
        ssdpWebView: {
          deltas: number;
          deltaWorkMs: number;
          table: { renderMs: number; renders: number };
          store: { size: number; get(u: string): { device: { bootId: number } } | undefined };
        };
      };
      w.stopFrames = true;
      let stale = 0;
      for (const [udn, bootId] of Object.entries(want))
        if (w.ssdpWebView.store.get(udn)?.device.bootId !== bootId) stale += 1;
      const debug = w.ssdpWebView;
      return {
        frames: w.frames_.slice(1),
        longTasks: w.longTasks,
        deltas: debug.deltas,
        size: debug.store.size,
        stale,
        deltaWorkMs: debug.deltaWorkMs,
        renderMs: debug.table.renderMs,
        renders: debug.table.renders,
      };
    }, check);
    const frames = [...result.frames].sort((a, b) => a - b);
    const frameTotal = result.frames.reduce((sum, ms) => sum + ms, 0);
    return {
      devices: DEVICES,
      snapshotKiB: round(inPage.bytes / 1024, 0),
      firstRenderMs: round(firstRenderMs, 0),
      pageLoadedMs: round(inPage.domContentLoaded, 0),
      streamOpenMs: round(inPage.openedAt, 0),
      snapshotArrivedMs: round(inPage.receivedAt, 0),
      parseMs: round(inPage.parseMs),
      applyMs: round(inPage.applyMs),
      renderMs: round(inPage.renderMs),
      rowsInDom: inPage.rowsInDom,
      eventsSent: sent,
      eventsPerSecond: round(sent / streamSeconds, 0),
      deltasReceived: result.deltas,
      staleDevices: result.stale,
      devicesInPage: result.size,
      settleMs: round(settleMs, 0),
      // Main-thread time the page spent on the stream: applying deltas, and drawing (once per frame at most).
      deltaWorkMsPerS: round((result.deltaWorkMs - workBefore.delta) / streamSeconds),
      drawMsPerS: round((result.renderMs - workBefore.render) / streamSeconds),
      draws: result.renders - workBefore.renders,
      fps: round((result.frames.length / frameTotal) * 1000),
      frameP50Ms: round(quantile(frames, 0.5)),
      frameP95Ms: round(quantile(frames, 0.95)),
      frameP99Ms: round(quantile(frames, 0.99)),
      frameMaxMs: round(frames.at(-1) ?? 0),
      framesOver50Ms: result.frames.filter((ms) => ms > 50).length,
      longTasks: result.longTasks.length,
      longTaskMaxMs: round(Math.max(0, ...result.longTasks)),
    };
  } finally {
    await browser.close();
    await view.close();
  }
}

const missing = chromiumMissing();
if (missing !== undefined) {
  process.stderr.write(`bench: ${missing}\n`);
  process.exit(2);
}
process.stdout.write(
  `web view benchmark: ${DEVICES} devices, ${RATE} events/s for ${SECONDS} s, ${RUNS} runs; ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}\n`,
);
const results: Record<string, number>[] = [];
for (let i = 0; i < RUNS; i += 1) {
  const result = await run(i);
  results.push(result);
  process.stdout.write(`run ${i + 1}: ${JSON.stringify(result)}\n`);
}
const median = (key: string): number => {
  const sorted = results.map((r) => r[key]!).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
process.stdout.write('medians:\n');
for (const key of Object.keys(results[0]!)) process.stdout.write(`  ${key}: ${median(key)}\n`);
