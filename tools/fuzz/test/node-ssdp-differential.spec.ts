// Our parser against an independent one, node-ssdp 4.0.1's: every generated datagram and real capture that both
// accept must give the same method, status and header values; datagrams showing a known, deliberate difference
// (support/differential.ts, each with its reason) are counted apart, and most are still compared.
import { describe, expect, it } from 'vitest';
import { CATEGORIES, createGenerator } from '../src/generators.ts';
import { loadVectors } from '../src/vectors.ts';
import { compareWithNodeSsdp } from './support/differential.ts';
import { createNodeSsdpParser } from './support/node-ssdp-parse.ts';

const vectors = loadVectors();
const nodeSsdp = createNodeSsdpParser();

describe('differential: ours and node-ssdp agree on what both accept', () => {
  it('the real captures', () => {
    let both = 0;
    const mismatches: string[] = [];
    for (const vector of vectors) {
      const result = compareWithNodeSsdp(vector.bytes, nodeSsdp(vector.bytes));
      if (!result.both || result.known !== undefined) continue;
      both += 1;
      mismatches.push(...result.mismatches.map((m) => `${vector.name}: ${m}`));
    }
    expect(mismatches).toEqual([]);
    expect(both).toBeGreaterThan(10);
  });

  for (const category of CATEGORIES) {
    it(category, () => {
      const generator = createGenerator(31, { vectors, attackerAddress: '10.0.0.4' }, { [category]: 1 });
      const mismatches = new Map<string, number>();
      let compared = 0;
      let known = 0;
      for (let i = 0; i < 1000; i += 1) {
        const datagram = generator.next();
        const result = compareWithNodeSsdp(datagram.bytes, nodeSsdp(datagram.bytes));
        if (!result.both) continue;
        if (result.known !== undefined) known += 1;
        else compared += 1;
        for (const m of result.mismatches) mismatches.set(m.slice(0, 160), (mismatches.get(m.slice(0, 160)) ?? 0) + 1);
      }
      expect([...mismatches].slice(0, 20)).toEqual([]);
      // Random bytes never form a message either parser accepts; every other family has comparable datagrams.
      if (category !== 'random-bytes')
        expect(compared, `compared (${known} with a known difference)`).toBeGreaterThan(known / 4);
    });
  }
});
