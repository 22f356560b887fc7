import { describe, expect, it } from 'vitest';
import {
  compactTrial,
  firstSeenFromControllerOutput,
  firstSeenFromNodeSsdpOutput,
  reduceTrial,
  udnOf,
  type TrialInput,
  type TrialResult,
} from '../src/discovery/discovery-trial.ts';
import { discoveryMarkdown, roundRatios, targetVerdict, type FleetRun } from '../src/discovery/discovery-report.ts';
import { testRunFacts } from './run-facts.ts';

const base: TrialInput = {
  client: 'ours',
  fleetSize: 4,
  searchAt: 10_000,
  firstSeen: [10_100, 12_000, 13_400, 13_600],
  mx: 3,
  cpuMs: 900,
  cpuBeforeSearchMs: 600,
  maxRssKiB: 100_000,
  wallMs: 5000,
  notifiesDuring: 0,
  exitCode: 0,
};

describe('a discovery trial', () => {
  it('counts found devices, the ones by MX + 0.5 s, and the time to the last one', () => {
    const result = reduceTrial(base);
    expect(result.found).toBe(4);
    expect(result.fraction).toBe(1);
    expect(result.foundByDeadline).toBe(3); // 13,600 is past 10,000 + 3,500
    expect(result.lastMs).toBe(3600);
    expect(result.cpuAfterSearchMs).toBe(300);
  });

  it('reports NaN for the time when nothing was found', () => {
    const result = reduceTrial({ ...base, firstSeen: [] });
    expect(result.fraction).toBe(0);
    expect(Number.isNaN(result.lastMs)).toBe(true);
  });

  it('reads distinct UDNs from our controller output, earliest first-seen per UDN', () => {
    const lines = [
      '{"event":"device-found","udn":"uuid:A","firstSeen":"2026-01-01T00:00:01.000Z"}',
      '{"event":"device-found","udn":"uuid:a","firstSeen":"2026-01-01T00:00:00.500Z"}',
      '{"event":"device-found","udn":"uuid:b","firstSeen":"2026-01-01T00:00:02.000Z"}',
      '{"event":"search-sent","udn":"uuid:c","firstSeen":"2026-01-01T00:00:02.000Z"}',
      'ssdp-controller: a warning',
    ];
    expect(firstSeenFromControllerOutput(lines).sort()).toEqual([
      Date.parse('2026-01-01T00:00:00.500Z'),
      Date.parse('2026-01-01T00:00:02.000Z'),
    ]);
  });

  it("reads the node-ssdp client's line and the UDN of a USN", () => {
    expect(firstSeenFromNodeSsdpOutput(['noise', '{"sentAt":5,"responses":7,"firstSeen":[6,8]}'])).toEqual({
      sentAt: 5,
      responses: 7,
      firstSeen: [6, 8],
    });
    expect(() => firstSeenFromNodeSsdpOutput(['{}'])).toThrow(/no result/);
    expect(udnOf('uuid:ABC::upnp:rootdevice')).toBe('uuid:abc');
    expect(udnOf('uuid:abc')).toBe('uuid:abc');
    expect(udnOf('upnp:rootdevice')).toBeUndefined();
    expect(udnOf(undefined)).toBeUndefined();
  });
});

describe('the discovery report', () => {
  const trial = (client: 'ours' | 'node-ssdp', lastMs: number, fraction = 1): TrialResult =>
    reduceTrial({
      ...base,
      client,
      fleetSize: 1000,
      firstSeen: Array.from({ length: Math.round(1000 * fraction) }, (_, i) => (i === 0 ? 10_000 + lastMs : 10_001)),
    });
  const run: FleetRun = {
    kind: 'ssdp-device',
    size: 1000,
    info: {},
    trials: [trial('ours', 3000), trial('node-ssdp', 2000), trial('node-ssdp', 2500), trial('ours', 3400)],
  };

  it('pairs rounds in order for the ratios', () => {
    expect(roundRatios(run, (t) => t.lastMs)).toEqual([1.5, 3400 / 2500]);
  });

  it('meets the target only when every round found all within MX + 0.5 s', () => {
    expect(targetVerdict([run])?.met).toBe(true);
    const late: FleetRun = { ...run, trials: [...run.trials, trial('ours', 3600)] };
    expect(targetVerdict([late])?.met).toBe(false);
    const partial: FleetRun = { ...run, trials: [...run.trials, trial('ours', 1000, 0.99)] };
    expect(targetVerdict([partial])?.met).toBe(false);
    expect(targetVerdict([{ ...run, size: 100 }])).toBeUndefined();
  });

  it('prints a section with the verdict', () => {
    const text = discoveryMarkdown({
      ...testRunFacts('nx run bench:discovery'),
      rounds: 2,
      mx: 3,
      listenMs: 4000,
      runs: [run],
    });
    expect(text).toMatch(/^## Discovery at scale/);
    expect(text).toContain('Measured 2026-01-01 on Test CPU, 2 logical cores (2 available), 4 GiB, Linux, Node v20;');
    expect(text).toContain('Command: `nx run bench:discovery` (runs `node x.ts`).');
    expect(text).toContain('Code: commit `abc`.');
    expect(text).toContain('**met**');
    expect(text).toContain('`ssdp-device --count 1000`');
  });
});

describe('compact trials for the JSON results', () => {
  it('replaces the per-UDN times by quantiles from the search', () => {
    const compact = compactTrial(reduceTrial({ ...base, firstSeen: [10_400, 10_100, 10_300, 10_200] }));
    expect('firstSeen' in compact).toBe(false);
    expect(compact.firstSeenMs).toEqual({ n: 4, min: 100, p50: 300, p90: 400, p99: 400, max: 400 });
    expect(compact.lastMs).toBe(400);
  });
});
