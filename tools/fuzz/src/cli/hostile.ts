// nx run fuzz:hostile: hostile devices against a real ssdp-controller in a namespace lab. Prints each attack's
// outcome and cost and every check, writes <out>/hostile-devices.json, exits 1 if a check failed.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { watchdog } from './watchdog.ts';
import { runHostileDevices } from '../hostile-devices.ts';
import { hostileTable } from '../report.ts';

let values;
try {
  ({ values } = parseArgs({
    options: {
      flood: { type: 'string', default: '6000' },
      rate: { type: 'string', default: '1000' },
      'max-devices': { type: 'string', default: '2000' },
      duration: { type: 'string', default: '16' },
      out: { type: 'string', default: 'tmp/fuzz' },
    },
  }));
} catch (error) {
  process.stderr.write(`hostile: ${(error as Error).message}\n`);
  process.exit(2);
}
watchdog('hostile', 10 * 60_000);
try {
  const result = await runHostileDevices({
    floodCount: Number(values.flood),
    floodPerSecond: Number(values.rate),
    maxDevices: Number(values['max-devices']),
    durationS: Number(values.duration),
    log: (line) => process.stderr.write(`hostile: ${line}\n`),
  });
  mkdirSync(values.out, { recursive: true });
  const file = path.join(values.out, `hostile-devices-${values['max-devices']}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  const checks = result.checks.map(
    (c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.detail === '' ? '' : `: ${c.detail}`}`,
  );
  process.stdout.write(`${hostileTable(result)}\n${checks.join('\n')}\n(written to ${file})\n`);
  process.exitCode = result.checks.every((c) => c.ok) ? 0 : 1;
} catch (error) {
  process.stderr.write(`hostile: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
