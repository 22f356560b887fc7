import { describe, expect, it } from 'vitest';
import { burstMarkdown, cellOf, checkTargets } from '../src/burst/burst-report.ts';
import {
  bareOutcome,
  longestGcPauses,
  nodeSsdpOutcome,
  oursOutcome,
  parseSenderResult,
  reduceTrial,
  type BurstTrial,
  type TrialInput,
} from '../src/burst/burst-trial.ts';
import { testRunFacts } from './run-facts.ts';
import { firstSampleOf, hotSpotsBetween, type CpuProfile } from '../src/profile-summary.ts';

const SENT =
  '{"event":"sent","searchAt":1000.5,"searcherPort":40000,"firstSendAt":1001,"lastSendAt":1151,"sent":3000,"sendErrors":0,"devices":1000,"answers":3,"spreadMs":0}';

const device = (udn: string, describe: string, time = '1970-01-01T00:00:07.000Z') =>
  JSON.stringify({ event: 'device-found', time, udn, describe, friendlyName: null });
const stats = (datagrams: number, ignored: number, kernelDrops: number | null) =>
  JSON.stringify({
    event: 'stats',
    time: '1970-01-01T00:00:08.000Z',
    datagrams,
    ignored,
    kernelDrops,
    receiveBuffer: { requested: 4194304, granted: 8388608, clamped: false },
  });

describe('burst outputs', () => {
  it('reads the sender line, and says so when the fleet saw no search', () => {
    expect(parseSenderResult(['{"event":"ready"}', SENT])).toMatchObject({
      searchAt: 1000.5,
      sent: 3000,
      lastSendAt: 1151,
    });
    expect(() => parseSenderResult(['{"event":"ready"}', '{"event":"timeout"}'])).toThrow(/no M-SEARCH/);
    expect(() => parseSenderResult(['{"event":"ready"}'])).toThrow(/no result/);
  });

  it('reads our controller: distinct devices, described ones, datagrams minus searches, its own kernel drops', () => {
    const outcome = oursOutcome([
      device('uuid:A', 'described'),
      device('uuid:a', 'described'),
      device('uuid:B', 'pending'),
      stats(2900, 2, 102),
    ]);
    expect(outcome).toEqual({
      received: 2898,
      found: 2,
      described: 1,
      kernelDrops: 102,
      listedAt: 7000,
      granted: 8388608,
    });
    expect(() => oursOutcome([device('uuid:A', 'described')])).toThrow(/stats/);
  });

  it('reads node-ssdp and the bare counter', () => {
    expect(nodeSsdpOutcome(['{"sentAt":1,"responses":40,"firstSeen":[1,2,3]}'])).toEqual({
      received: 40,
      found: 3,
      kernelDrops: null,
    });
    expect(bareOutcome(['{"sentAt":1,"datagrams":2990,"devices":998,"kernelDrops":10}'])).toEqual({
      received: 2990,
      found: 998,
      kernelDrops: 10,
    });
  });
});

function input(overrides: Partial<TrialInput> = {}): TrialInput {
  return {
    regime: 'b',
    size: 1000,
    receiver: 'ours-no-describe',
    round: 1,
    sender: parseSenderResult([SENT]),
    outcome: { received: 2898, found: 990, kernelDrops: 102 },
    namespaceDrops: 102,
    cpuAfterSearchMs: 500,
    maxRssKiB: 90_000,
    exitCode: 0,
    ...overrides,
  };
}

describe('--trace-gc lines', () => {
  it('gives the longest pauses first', () => {
    const lines = [
      '[123:0x5a1b2c3d4e5f]      812 ms: Scavenge 12.1 (14.5) -> 11.9 (15.5) MB, 1.25 / 0.00 ms  (average mu = 1.000) allocation failure;',
      '{"event":"device-found"}',
      '[123:0x5a1b2c3d4e5f]     2410 ms: Mark-Compact 80.4 (95.1) -> 60.2 (90.0) MB, 45.6 / 0.0 ms  (average mu = 0.9) task;',
      '[123:0x5a1b2c3d4e5f]     2500 ms: Scavenge 61.0 (90.0) -> 60.5 (90.0) MB, 3.5 / 0.0 ms  (average mu = 0.9) task;',
    ];
    expect(longestGcPauses(lines, 2)).toEqual([
      { kind: 'Mark-Compact', ms: 45.6 },
      { kind: 'Scavenge', ms: 3.5 },
    ]);
    expect(longestGcPauses(['no gc here'], 5)).toEqual([]);
  });
});

describe('a burst trial', () => {
  it('is exact when sent - received is the namespace count and the receiver\u2019s own', () => {
    const trial = reduceTrial(input());
    expect(trial).toMatchObject({ sent: 3000, sendMs: 150, lost: 102, fraction: 0.99, lostIsKernelDrops: true });
    expect(reduceTrial(input({ namespaceDrops: 101 })).lostIsKernelDrops).toBe(false);
    expect(reduceTrial(input({ outcome: { received: 2898, found: 990, kernelDrops: 100 } })).lostIsKernelDrops).toBe(
      false,
    );
    expect(reduceTrial(input({ outcome: { received: 2898, found: 990, kernelDrops: null } })).lostIsKernelDrops).toBe(
      true,
    );
  });

  it('times the listing from the search', () => {
    expect(
      reduceTrial(input({ outcome: { received: 3000, found: 1000, kernelDrops: 0, listedAt: 31_000.5 } }))
        .listedAfterMs,
    ).toBe(30_000);
  });
});

function trial(overrides: Partial<BurstTrial>): BurstTrial {
  return { ...reduceTrial(input()), ...overrides };
}

describe('the burst report', () => {
  const trials: BurstTrial[] = [
    trial({ receiver: 'bare', found: 1000, fraction: 1 }),
    trial({ receiver: 'node-ssdp', found: 300, fraction: 0.3 }),
    trial({ receiver: 'ours-no-describe', found: 960, fraction: 0.96 }),
    trial({ receiver: 'ours-no-describe', round: 2, found: 940, fraction: 0.94 }),
    trial({
      regime: 'a',
      size: 5000,
      receiver: 'ours',
      found: 4990,
      fraction: 0.998,
      described: 4990,
      listedAfterMs: 12_000,
    }),
  ];

  it('takes medians over the rounds', () => {
    expect(cellOf(trials, 'b', 1000, 'ours-no-describe')).toMatchObject({ found: 950, fraction: 0.95, trials: 2 });
    expect(cellOf(trials, 'c', 1000, 'bare')).toBeUndefined();
  });

  it('checks the targets: 0.95 x bare and node-ssdp in (b)/(c), (a) at 5,000 found and described in 30 s, lost = drops', () => {
    const checks = checkTargets(trials);
    expect(checks.find((c) => c.what.startsWith('(b) 1,000, ours-no-describe'))).toMatchObject({ met: true });
    expect(checks.find((c) => c.what.startsWith('(a) 5,000'))).toMatchObject({ met: true });
    expect(checks.find((c) => c.what.startsWith('everywhere'))).toMatchObject({ met: true });
    const slow = checkTargets([
      ...trials.slice(0, 4),
      trial({
        regime: 'a',
        size: 5000,
        receiver: 'ours',
        found: 4990,
        fraction: 0.998,
        described: 4000,
        listedAfterMs: 12_000,
      }),
    ]);
    expect(slow.find((c) => c.what.startsWith('(a) 5,000'))).toMatchObject({ met: false });
    const behind = checkTargets([
      trial({ receiver: 'bare', found: 1000 }),
      trial({ receiver: 'ours-no-describe', found: 940 }),
      trial({ receiver: 'ours-no-describe', found: 900, round: 2, lostIsKernelDrops: false }),
    ]);
    expect(behind.filter((c) => !c.met).map((c) => c.what.slice(0, 20))).toEqual([
      '(b) 1,000, ours-no-d',
      'everywhere: lost = k',
    ]);
  });

  it('prints a section per regime and the targets', () => {
    const text = burstMarkdown({
      ...testRunFacts('nx run bench:burst'),
      rounds: 2,
      mx: 5,
      recvBuffer: 4194304,
      priority: -15,
      trials,
      profiles: [{ label: '(b) 1,000', lines: ['50% parse'] }],
    });
    expect(text).toContain('### (a) 3 answers per device, spread over 1 s');
    expect(text).toContain('### (b) 3 answers per device, all at once');
    expect(text).toContain('| 1,000 | 95.0% | 30.0% | 100.0% | 0.950 | - |');
    expect(text).toContain('- met: (a) 5,000, describe on');
    expect(text).toContain('  - 50% parse');
  });
});

describe('profiles in a time window', () => {
  // root -> a -> onDatagram; root -> b. Samples: b at 1 ms, onDatagram at 2 ms, a at 3 ms, b at 4 ms.
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: 0, columnNumber: 0 }, children: [2, 4] },
      {
        id: 2,
        callFrame: { functionName: 'a', url: 'file:///x/packages/a.js', lineNumber: 0, columnNumber: 0 },
        children: [3],
      },
      {
        id: 3,
        callFrame: { functionName: 'onDatagram', url: 'file:///x/packages/a.js', lineNumber: 9, columnNumber: 0 },
      },
      { id: 4, callFrame: { functionName: 'b', url: 'file:///x/packages/b.js', lineNumber: 0, columnNumber: 0 } },
    ],
    startTime: 0,
    endTime: 4000,
    samples: [4, 3, 2, 4],
    timeDeltas: [1000, 1000, 1000, 1000],
  };

  it('finds when a function was first sampled and counts only the samples in the window', () => {
    expect(firstSampleOf(profile, 'onDatagram')).toBe(2);
    expect(firstSampleOf(profile, 'nowhere')).toBeUndefined();
    const spots = hotSpotsBetween(profile, 2, 3);
    expect(spots.map((s) => [s.where, s.selfTicks]).sort()).toEqual([
      ['a (packages/a.js:1)', 1],
      ['onDatagram (packages/a.js:10)', 1],
    ]);
  });
});
