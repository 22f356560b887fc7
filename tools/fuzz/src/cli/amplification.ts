// nx run fuzz:amplification (short, CI) / --full: bytes out / bytes in of a real ssdp-device under SSDP floods
// in a namespace lab. Prints the table and every check, writes <out>/amplification-<quick|full>.json, exits 1
// if a check failed.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { watchdog } from './watchdog.ts';
import { runAmplification } from '../amplification.ts';
import { amplificationTable } from '../report.ts';

let values;
try {
  ({ values } = parseArgs({
    options: {
      full: { type: 'boolean', default: false },
      duration: { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string', default: 'tmp/fuzz' },
    },
  }));
} catch (error) {
  process.stderr.write(`amplification: ${(error as Error).message}\n`);
  process.exit(2);
}
const durationS = Number(values.duration ?? (values.full ? 30 : 8));
watchdog('amplification', 20 * 60_000);
try {
  const result = await runAmplification({
    durationS,
    full: values.full,
    ...(values.only === undefined ? {} : { only: values.only.split(',') }),
    log: (line) => process.stderr.write(`amplification: ${line}\n`),
  });
  mkdirSync(values.out, { recursive: true });
  const file = path.join(values.out, `amplification-${values.full ? 'full' : 'quick'}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  const checks = result.checks.map(
    (c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.detail === '' ? '' : `: ${c.detail}`}`,
  );
  process.stdout.write(`${amplificationTable(result)}\n${checks.join('\n')}\n(written to ${file})\n`);
  process.exitCode = result.checks.every((c) => c.ok) ? 0 : 1;
} catch (error) {
  process.stderr.write(`amplification: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
