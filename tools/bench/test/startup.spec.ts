import { describe, expect, it } from 'vitest';
import {
  controllerOnce,
  onceCheck,
  startupCommands,
  BARE_NODE,
  CONTROLLER_VERSION,
  DEVICE_VERSION,
} from '../src/startup/commands.ts';
import { startupMarkdown, startupVerdict, type StartupReportInput } from '../src/startup/startup-report.ts';
import { describeCommand, describeMachine } from '../src/machine.ts';
import { roundOrder } from '../src/harness.ts';

const UDN = 'uuid:2fac1234-31f8-11b4-a222-08002b34c003';
const bins = { device: '/x/ssdp-device.js', controller: '/x/ssdp-controller.js' };

function input(times: Record<string, number[]>): StartupReportInput {
  return {
    date: '2026-01-01T00:00:00.000Z',
    machine: describeMachine(),
    command: describeCommand(),
    revision: { commit: 'abcdef1234567', dirty: [] },
    options: { rounds: 3, warmupRounds: 1, mx: 1 },
    times,
  };
}

describe('startup benchmark parts', () => {
  it('checks each command\u2019s output: a version line, and --once finding exactly the device under test', () => {
    const [node, device, controller, once] = startupCommands(bins, { port: 41234, mx: 1, udn: UDN });
    expect(once!.args).toEqual([
      bins.controller,
      '--once',
      '--json',
      '--mx',
      '1',
      '--port',
      '41234',
      '--interface',
      '127.0.0.1',
    ]);
    expect(node!.check(0, '')).toBeUndefined();
    expect(device!.check(0, '0.1.0\n')).toBeUndefined();
    expect(device!.check(0, 'Usage: ssdp-device\n')).toMatch(/not a version/);
    expect(controller!.check(2, '0.1.0\n')).toBe('exit 2');
    const found = JSON.stringify({ event: 'device-found', udn: UDN });
    expect(once!.check(0, `${found}\n`)).toBeUndefined();
    expect(once!.check(0, `${found}\n${JSON.stringify({ event: 'stats' })}\n`)).toBeUndefined();
    expect(once!.check(1, '')).toBe('exit 1');
    expect(onceCheck(UDN)(0, `${JSON.stringify({ event: 'device-found', udn: 'uuid:other' })}\n`)).toMatch(
      /found uuid:other/,
    );
    expect(onceCheck(UDN)(0, `${found}\n${found}\n`)).toMatch(/not uuid/);
    expect(onceCheck(UDN)(0, 'device-found 127.0.0.1\n')).toMatch(/not JSON/);
  });

  it('rotates the order each round, so every command is first once per cycle', () => {
    expect([0, 1, 2, 3, 4].map((round) => roundOrder(['a', 'b', 'c', 'd'], round).join(''))).toEqual([
      'abcd',
      'bcda',
      'cdab',
      'dabc',
      'abcd',
    ]);
  });

  it('takes the ratio of medians against node -e 0, and judges --once against MX + 0.5 s', () => {
    const times = {
      [BARE_NODE]: [40, 50, 60],
      [DEVICE_VERSION]: [60, 70, 200],
      [CONTROLLER_VERSION]: [100, 90, 80],
      [controllerOnce(1)]: [2200, 2300, 2250],
    };
    const verdict = startupVerdict(input(times));
    expect(verdict.ratioOfMedians.device).toBeCloseTo(70 / 50);
    expect(verdict.deviceMet).toBe(true);
    expect(verdict.ratioOfMedians.controller).toBeCloseTo(90 / 50);
    expect(verdict.pairedRatio.device.median).toBeCloseTo(1.5); // per round 1.5, 1.4, 3.33
    expect(verdict.onceTargetMs).toBe(1500);
    expect(verdict.onceMet).toBe(false);
    const markdown = startupMarkdown(input(times));
    expect(markdown).toMatch(/^## Startup\n/);
    expect(markdown).toContain('within 1.5× of `node -e 0`: **met**, 1.40×');
    expect(markdown).toContain('within MX + 0.5 s = 1500 ms of its start: **missed**, 2250 ms');
    expect(markdown).toContain('1250 ms is the listening window of `collect()` (MX + 0.25 s after the search');
    expect(markdown).toContain('1000 ms is everything else');
    expect(() => startupVerdict(input({ ...times, [BARE_NODE]: [] }))).toThrow(RangeError);
  });
});
