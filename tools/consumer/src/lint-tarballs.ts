// The ecosystem's own checks on every tarball: publint (package.json against the files) and attw (the types
// each resolution mode sees). attw runs with the esm-only profile: these packages are ESM only, so its "a CJS
// require resolves to ESM" finding is expected; that require() really works on Node >= 20.19 is what the CJS
// consumer proves.
import path from 'node:path';
import { CheckFailure, run, tail } from './exec.ts';
import type { PackedPackage } from './tarballs.ts';

async function lintOne(root: string, packed: PackedPackage): Promise<{ line: string; failures: string[] }> {
  const bin = (name: string) => path.join(root, 'node_modules/.bin', name);
  const env = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' };
  const cwd = path.dirname(packed.tarball);
  const failures: string[] = [];
  const publint = await run(`publint ${packed.name}`, bin('publint'), ['run', '--strict', packed.tarball], {
    cwd,
    env,
    timeoutMs: 120_000,
    allowFailure: true,
  });
  // publint prints suggestions too, and still exits 0: only errors (and, with --strict, warnings) fail.
  if (publint.code !== 0)
    failures.push(`publint ${packed.name} (exit ${publint.code}):\n${tail(publint.stdout + publint.stderr, 40)}`);
  const attw = await run(
    `attw ${packed.name}`,
    bin('attw'),
    ['--profile', 'esm-only', '--no-definitely-typed', '--format', 'ascii', '--no-color', '--no-emoji', packed.tarball],
    { cwd, env, timeoutMs: 180_000, allowFailure: true },
  );
  if (attw.code !== 0)
    failures.push(`attw ${packed.name} (exit ${attw.code}):\n${tail(attw.stdout + attw.stderr, 60)}`);
  const suggestions = publint.stdout.split('\n').filter((line) => /^\s*\d+\.\s/.test(line)).length;
  const line = `${packed.name}: publint ${publint.code === 0 ? 'ok' : 'FAIL'}${suggestions > 0 ? ` (${suggestions} suggestions)` : ''}, attw ${attw.code === 0 ? 'ok' : 'FAIL'}`;
  return { line, failures };
}

/** Both tools on every tarball, two tarballs at a time. Rejects with every finding once all have run. */
export async function lintTarballs(root: string, packages: readonly PackedPackage[]): Promise<string[]> {
  const results: { line: string; failures: string[] }[] = new Array(packages.length);
  let next = 0;
  const worker = async () => {
    while (next < packages.length) {
      const index = next++;
      results[index] = await lintOne(root, packages[index]!);
    }
  };
  await Promise.all([worker(), worker()]);
  const lines = results.map((r) => r.line);
  const failures = results.flatMap((r) => r.failures);
  if (failures.length > 0) throw new CheckFailure(`${lines.join('\n')}\n\n${failures.join('\n\n')}`);
  return lines;
}
