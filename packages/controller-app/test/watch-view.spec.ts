import { createSystemClock } from '@ssdp/runtime';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DiscoveredDevice } from '@ssdp/control-point';
import { createWatchView, renderTable } from '../src/watch-view.ts';

const device = (name: string, over: Partial<DiscoveredDevice> = {}): DiscoveredDevice => ({
  udn: `uuid:${name}`,
  address: '10.0.0.2',
  interfaceId: 'eth0/IPv4',
  location: null,
  locations: [],
  server: 'Linux/6 UPnP/2.0 x/1',
  usns: [],
  deviceType: 'urn:schemas-upnp-org:device:MediaServer:1',
  friendlyName: name,
  manufacturer: null,
  modelName: null,
  bootId: 1,
  configId: 1,
  firstSeen: new Date(0).toISOString(),
  lastSeen: new Date(5_000).toISOString(),
  expiresAt: new Date(1_805_000).toISOString(),
  describe: 'described',
  describeError: null,
  ...over,
});

afterEach(() => vi.useRealTimers());

describe('watch view', () => {
  it('renders name, type, address, last seen, expires in and status, sorted by name', () => {
    const lines = renderTable(
      [device('Zeta'), device('Alpha', { describe: 'failed', describeError: 'timeout' })],
      65_000,
      40,
    );
    expect(lines[0]).toMatch(/^NAME\s+TYPE\s+ADDRESS\s+LAST SEEN\s+EXPIRES IN\s+STATUS$/);
    expect(lines[1]).toMatch(/^Alpha\s+MediaServer:1\s+10\.0\.0\.2\s+1m00s ago\s+29m00s\s+alive, timeout$/);
    expect(lines[2]).toMatch(/^Zeta\s+/);
    expect(renderTable([device('a'), device('b'), device('c')], 0, 2).at(-1)).toBe('… and 1 more');
  });

  it('draws in place and cuts lines to the terminal width; a width of 0 means no cut', () => {
    vi.useFakeTimers({ now: 10_000 });
    for (const [columns, longest] of [
      [30, 30],
      [0, Number.POSITIVE_INFINITY],
    ] as const) {
      const frames: string[] = [];
      const view = createWatchView(
        { columns },
        {
          clock: createSystemClock(),
          devices: () => [device('A very long friendly name for a device')],
          write: (t) => frames.push(t),
        },
      );
      view.render();
      view.stop();
      const frame = frames[0]!;
      expect(frame.startsWith('\x1b[H')).toBe(true);
      expect(frame.endsWith('\x1b[J')).toBe(true);
      const lines = frame
        .slice(3)
        .split('\n')
        .map((l) => l.replace('\x1b[K', ''));
      expect(lines.some((l) => l.includes('A very long'))).toBe(true);
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(longest);
      if (columns === 0) expect(lines.some((l) => l.length > 30)).toBe(true);
    }
  });
});
