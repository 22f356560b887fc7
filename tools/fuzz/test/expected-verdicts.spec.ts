// The hand-written verdicts (src/expected-verdicts.ts) against the real apps on the memory network, and against
// the oracle the namespace runs count with: a wrong drop reason in the apps or in the oracle fails here.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FAMILY_RULES, VECTOR_VERDICTS, type HandVerdict } from '../src/expected-verdicts.ts';
import { createGenerator, type FuzzCategory, type FuzzDatagram } from '../src/generators.ts';
import { judgeForController, judgeForDevice } from '../src/oracle.ts';
import { loadVectors } from '../src/vectors.ts';
import { createVerdictLab, type VerdictLab } from './support/verdict-lab.ts';

const vectors = loadVectors();
let lab: VerdictLab;

beforeAll(async () => {
  vi.useFakeTimers({ now: 0 });
  lab = await createVerdictLab();
});
afterAll(async () => {
  const stopped = lab.stop();
  await vi.advanceTimersByTimeAsync(10_000);
  await stopped;
  vi.useRealTimers();
});

/** What the control point's counters can tell: an advert and a byebye both reach its registry. */
const registryView = (verdict: string): string => (verdict === 'advert' || verdict === 'byebye' ? 'registry' : verdict);

function expectController(expected: string | RegExp, actual: string, what: string): void {
  if (expected instanceof RegExp) expect(actual, what).toMatch(expected);
  else expect(actual, what).toBe(expected);
}

async function check(datagram: FuzzDatagram, expected: HandVerdict, what: string): Promise<void> {
  const apps = await lab.judge(datagram);
  const multicast = datagram.to !== 'device';
  const oracleDevice = judgeForDevice(datagram.bytes, { multicast });
  if (datagram.to !== 'controller') {
    expect(apps.device, `${what}: the device`).toBe(expected.device);
    expect(oracleDevice.verdict, `${what}: the oracle for the device`).toBe(expected.device);
    if (expected.deviceCodes !== undefined)
      expect(expected.deviceCodes, `${what}: parse code`).toContain(oracleDevice.code);
  }
  if (datagram.to !== 'device') {
    const controller = expected.controller;
    expectController(
      controller instanceof RegExp ? controller : registryView(controller),
      apps.controller,
      `${what}: the control point`,
    );
    expectController(controller, judgeForController(datagram.bytes), `${what}: the oracle for the control point`);
  }
}

describe('hand-written verdicts for real captures', () => {
  for (const [name, expected] of Object.entries(VECTOR_VERDICTS)) {
    it(name, async () => {
      const vector = vectors.find((v) => v.name === name);
      expect(vector, `vector ${name}`).toBeDefined();
      for (const to of ['group', 'device'] as const) {
        // A unicast search needs no MX: the hand verdicts above hold for both.
        await check({ category: 'vector-mutation', bytes: vector!.bytes, to }, expected, `${name} to ${to}`);
      }
    });
  }
});

describe('hand-written verdicts for each structured attack family', () => {
  const families = Object.keys(FAMILY_RULES) as FuzzCategory[];
  for (const family of families) {
    it(family, async () => {
      const generator = createGenerator(
        21,
        { vectors, attackerAddress: '10.0.0.4', knownUuids: [lab.deviceUuid] },
        {
          [family]: 1,
        },
      );
      for (let i = 0; i < 60; i += 1) {
        const datagram = generator.next();
        await check(datagram, FAMILY_RULES[family]!(datagram), `${family} #${i}`);
      }
    });
  }
});
