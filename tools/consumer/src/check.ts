// The consumer check (issue 12): the packages the way a user meets them. Builds and packs every public package
// into a temp folder outside the workspace, checks the tarballs (contents, publint, attw), installs them into a
// fresh project, and runs the ESM, CommonJS and TypeScript consumers, the bins and the examples there, all on
// loopback. The temp folder is removed at the end, also on a failure or a signal, unless KEEP=1.
//
//   nx run consumer:check        (or: node --import tsx tools/consumer/src/check.ts)
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBins, runConsumers, runExamples } from './consumers.ts';
import { CheckFailure, killAll } from './exec.ts';
import { installFreshProject } from './fresh-project.ts';
import { lintTarballs } from './lint-tarballs.ts';
import { buildPackages, findPublicPackages, packPackages } from './pack.ts';
import { contentProblems, sizeTable, type PackedPackage } from './tarballs.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const examples = path.join(root, 'examples');
const keep = process.env['KEEP'] === '1';

// nx --outputStyle=stream already puts "consumer: " before each line.
const say = (line: string): void => void process.stdout.write(`${line}\n`);
const indent = (lines: readonly string[]): string => lines.map((line) => `    ${line}`).join('\n');

const work = mkdtempSync(path.join(tmpdir(), 'ssdp-consumer-'));
let cleanedUp = false;
function cleanUp(): void {
  if (cleanedUp) return;
  cleanedUp = true;
  killAll();
  if (keep) say(`KEEP=1: left ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping`);
    cleanUp();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}
process.once('exit', cleanUp);

let passed = 0;
async function step<T>(
  title: string,
  action: () => Promise<T>,
  report: (result: T) => readonly string[] = () => [],
): Promise<T> {
  const started = performance.now();
  const result = await action();
  passed += 1;
  const lines = report(result);
  say(
    `ok   ${title} (${((performance.now() - started) / 1000).toFixed(1)} s)${lines.length > 0 ? `\n${indent(lines)}` : ''}`,
  );
  return result;
}

function checkContents(packages: readonly PackedPackage[]): string[] {
  const names = new Set(packages.map((p) => p.name));
  const problems = packages.flatMap((p) => contentProblems(p, names).map((problem) => `${p.name}: ${problem}`));
  if (problems.length > 0) throw new CheckFailure(`the tarballs are not fit to publish:\n${problems.join('\n')}`);
  return sizeTable(packages).split('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  say(`consumer check: working in ${work}${keep ? ' (KEEP=1: kept afterwards)' : ''}`);
  const project = path.join(work, 'app');
  mkdirSync(project);
  const workspace = findPublicPackages(root);
  await step(`build the public packages: ${workspace.map((p) => p.project).join(', ')}`, () =>
    buildPackages(root, workspace),
  );
  const packages = await step(
    'npm pack',
    () => packPackages(root, workspace, path.join(work, 'tarballs')),
    (p) => p.map((x) => path.basename(x.tarball)),
  );
  await step(
    'tarball contents: no tests, no tsx, exports point at built JS and .d.ts',
    async () => checkContents(packages),
    (lines) => lines,
  );
  await step(
    'publint --strict and attw --profile esm-only on every tarball',
    () => lintTarballs(root, packages),
    (lines) => lines,
  );
  await step('npm install of the tarballs in a fresh project (third-party packages from the registry)', () =>
    installFreshProject(project, packages),
  );
  await step(
    'consumers: ESM, CommonJS require(), TypeScript (tsc --strict nodenext)',
    () => runConsumers(project, fixtures),
    (lines) => lines,
  );
  await step(
    'installed bins answer --help',
    () => checkBins(project),
    (lines) => lines,
  );
  await step(
    'examples: device.mjs and discover.mjs against each other',
    () => runExamples(project, examples),
    (lines) => lines,
  );
  say(`consumer check: every step passed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  say(`${passed} passed, 0 failed`);
}

try {
  await main();
} catch (error) {
  const message =
    error instanceof CheckFailure
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  say(`FAIL ${message}`);
  say(`${passed} passed, 1 failed`);
  process.exitCode = 1;
} finally {
  cleanUp();
}
