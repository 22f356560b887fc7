// nx run fuzz:ci (100k) / fuzz:full (1M): the real-UDP fuzz run in a namespace lab. Prints every check and the
// figures, writes <out>/fuzz-<count>.json, exits 1 if a check failed (2 on a usage error).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { watchdog } from './watchdog.ts';
import { runFuzz } from '../fuzz-run.ts';
import { fuzzSummary } from '../report.ts';

let values;
try {
  ({ values } = parseArgs({
    options: {
      count: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '1' },
      settle: { type: 'string', default: '8' },
      'node-options': { type: 'string' },
      'rss-tolerance': { type: 'string' },
      out: { type: 'string', default: 'tmp/fuzz' },
    },
  }));
} catch (error) {
  process.stderr.write(`fuzz: ${(error as Error).message}\n`);
  process.exit(2);
}
const count = Number(values.count);
const seed = Number(values.seed);
if (!Number.isInteger(count) || count < 1000 || !Number.isInteger(seed)) {
  process.stderr.write('fuzz: --count must be an integer >= 1000 and --seed an integer\n');
  process.exit(2);
}
watchdog('fuzz', Math.max(10 * 60_000, count * 5));
try {
  const result = await runFuzz({
    count,
    seed,
    settleMs: Number(values.settle) * 1000,
    ...(values['node-options'] === undefined ? {} : { nodeOptions: values['node-options'] }),
    ...(values['rss-tolerance'] === undefined ? {} : { settledToleranceMiB: Number(values['rss-tolerance']) }),
    log: (line) => process.stderr.write(`fuzz: ${line}\n`),
  });
  mkdirSync(values.out, { recursive: true });
  const file = path.join(values.out, `fuzz-${count}${values['node-options'] === undefined ? '' : '-tuned'}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${fuzzSummary(result)}\n(written to ${file})\n`);
  process.exitCode = result.checks.every((c) => c.ok) ? 0 : 1;
} catch (error) {
  process.stderr.write(`fuzz: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
