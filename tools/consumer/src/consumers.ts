// Runs what a user runs, in the fresh project: the three consumers (ESM, CommonJS, TypeScript compiled by tsc),
// the installed bins, and the repository's examples against each other. All on loopback (the packages' default
// interfaces), each on its own random high SSDP port with its own state directory.
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { CheckFailure, run, start, tail } from './exec.ts';
import { freshEnv } from './fresh-project.ts';

/** A random SSDP port in 40000..59999, so parallel runs (and other engineers' tests) do not share one. */
export function randomPort(): number {
  return 40_000 + Math.floor(Math.random() * 20_000);
}

function consumerEnv(projectDir: string, name: string): NodeJS.ProcessEnv {
  const stateDir = path.join(projectDir, 'state', name);
  mkdirSync(stateDir, { recursive: true });
  return { ...freshEnv(), SSDP_PORT: String(randomPort()), SSDP_STATE_DIR: stateDir, XDG_STATE_HOME: stateDir };
}

async function runConsumer(projectDir: string, label: string, script: string): Promise<string> {
  const env = consumerEnv(projectDir, label);
  const { stdout } = await run(label, process.execPath, [script], { cwd: projectDir, env, timeoutMs: 60_000 });
  const line = stdout.split('\n').find((l) => l.includes(': ok:'));
  if (line === undefined) throw new CheckFailure(`${label}: exited 0 without its ok line\n${tail(stdout)}`);
  return `${line} (port ${env['SSDP_PORT']})`;
}

/** The ESM and CommonJS consumers, and the TypeScript one after a strict nodenext type-check and compile. */
export async function runConsumers(projectDir: string, fixtures: string): Promise<string[]> {
  for (const file of ['consumer.mjs', 'consumer.cjs', 'consumer.ts'])
    copyFileSync(path.join(fixtures, file), path.join(projectDir, file));
  const lines = [
    await runConsumer(projectDir, 'consumer.mjs', 'consumer.mjs'),
    await runConsumer(projectDir, 'consumer.cjs', 'consumer.cjs'),
  ];
  const tsc = path.join(projectDir, 'node_modules/.bin/tsc');
  const flags = [
    '--strict',
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
    '--target',
    'es2022',
    '--types',
    'node',
  ];
  await run('tsc consumer.ts', tsc, [...flags, '--outDir', 'ts-out', 'consumer.ts'], {
    cwd: projectDir,
    env: freshEnv(),
    timeoutMs: 120_000,
  });
  lines.push(await runConsumer(projectDir, 'consumer.ts', 'ts-out/consumer.js'));
  return lines;
}

/** The installed bins answer --help with exit 0 and a usage text that names them. */
export async function checkBins(projectDir: string): Promise<string[]> {
  const lines: string[] = [];
  for (const bin of ['ssdp-device', 'ssdp-controller']) {
    const { stdout } = await run(`${bin} --help`, path.join(projectDir, 'node_modules/.bin', bin), ['--help'], {
      cwd: projectDir,
      env: freshEnv(),
      timeoutMs: 30_000,
    });
    if (!stdout.includes(bin))
      throw new CheckFailure(`${bin} --help: exit 0 but the text does not name ${bin}:\n${tail(stdout)}`);
    lines.push(`${bin} --help: exit 0, ${stdout.split('\n').length} lines`);
  }
  return lines;
}

/**
 * examples/device.mjs in the background, examples/discover.mjs finds it by friendlyName, then the device gets
 * SIGTERM (sent to node itself: npx would not forward it) and must say it sent its byebye and exit 0.
 */
export async function runExamples(projectDir: string, examples: string): Promise<string[]> {
  for (const file of ['device.mjs', 'discover.mjs'])
    copyFileSync(path.join(examples, file), path.join(projectDir, `example-${file}`));
  const env = { ...consumerEnv(projectDir, 'examples'), SSDP_NAME: `Example Lamp ${process.pid}-${randomPort()}` };
  const device = start('examples/device.mjs', process.execPath, ['example-device.mjs'], { cwd: projectDir, env });
  const lines: string[] = [];
  try {
    lines.push(`device.mjs: ${await device.waitFor(/^.*\bup\b.*$/m, 15_000)}`);
    const { stdout } = await run('examples/discover.mjs', process.execPath, ['example-discover.mjs'], {
      cwd: projectDir,
      env,
      timeoutMs: 30_000,
    });
    const found = stdout.split('\n').find((line) => line.includes(env.SSDP_NAME));
    if (found === undefined)
      throw new CheckFailure(`examples/discover.mjs did not print "${env.SSDP_NAME}":\n${tail(stdout)}`);
    lines.push(`discover.mjs: ${found.trim()}`);
  } finally {
    device.child.kill('SIGTERM');
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 10_000)));
  const exit = await Promise.race([device.exited, deadline]);
  clearTimeout(timer);
  const { stdout, stderr } = device.output();
  if (exit === 'timeout')
    throw new CheckFailure(`examples/device.mjs: still running 10 s after SIGTERM\n${tail(stdout + stderr)}`);
  if (exit.code !== 0)
    throw new CheckFailure(
      `examples/device.mjs: exited ${exit.signal ?? exit.code} on SIGTERM, expected 0\n${tail(stdout + stderr)}`,
    );
  if (!/byebye/.test(stdout))
    throw new CheckFailure(`examples/device.mjs: exited 0 without saying it sent its byebye\n${tail(stdout + stderr)}`);
  lines.push('device.mjs: SIGTERM -> byebye, exit 0');
  return lines;
}
