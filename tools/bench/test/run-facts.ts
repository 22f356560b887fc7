// A run's facts for report tests: a fixed machine, the given Nx target, commit abc.
import type { RunFacts } from '../src/machine.ts';

export function testRunFacts(nx: string): RunFacts {
  return {
    date: '2026-01-01',
    machine: {
      cpuModel: 'Test CPU',
      cores: 2,
      availableParallelism: 2,
      node: 'v20',
      v8: '11',
      os: 'Linux',
      totalMemoryGiB: 4,
      loadAverage: [0, 0, 0],
    },
    command: { nx, node: 'node x.ts' },
    revision: { commit: 'abc', dirty: [] },
  };
}
