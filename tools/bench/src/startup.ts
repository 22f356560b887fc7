// Benchmark 5, startup: how long the bins take from spawn to exit, next to bare Node in the same run.
// `node -e 0`, `ssdp-device --version`, `ssdp-controller --version` and `ssdp-controller --once --mx 1` (against
// one ssdp-device already up on loopback, on a private port) alternate within each round. Loopback only.
// Run: `nx run bench:startup` (the bins' dist/ is built first). Options: --rounds 20 --warmup-rounds 2 --mx 1
// --name NAME --no-write.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { integerOption, outputOptions, OUTPUT_OPTIONS, type OutputOptions } from './bench-options.ts';
import { describeMachine, describeRun } from './machine.ts';
import { findWorkspaceRoot, publishResults } from './results.ts';
import { roundOrder } from './harness.ts';
import { startupCommands, type StartupCommand } from './startup/commands.ts';
import { startupMarkdown, startupVerdict } from './startup/startup-report.ts';

interface Options extends OutputOptions {
  readonly rounds: number;
  readonly warmupRounds: number;
  readonly mx: number;
}

function readOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rounds: { type: 'string' },
      'warmup-rounds': { type: 'string' },
      mx: { type: 'string' },
      ...OUTPUT_OPTIONS,
    },
    strict: true,
  });
  return {
    rounds: integerOption(values.rounds, 20, '--rounds', 15),
    warmupRounds: integerOption(values['warmup-rounds'], 2, '--warmup-rounds', 0),
    mx: integerOption(values.mx, 1, '--mx'),
    ...outputOptions(values, 'startup'),
  };
}

/** Spawns `node <args>`, and resolves with the milliseconds from spawn() to its exit, its exit code and stdout. */
function timeRun(
  args: readonly string[],
  cwd: string,
): Promise<{ ms: number; code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let end = start;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', () => (end = process.hrtime.bigint()));
    child.once('close', (code) => resolve({ ms: Number(end - start) / 1e6, code, stdout, stderr }));
  });
}

/** Starts the device the --once runs find, and resolves with its UDN once it has announced itself. */
function startDevice(
  bin: string,
  port: number,
  stateDir: string,
  cwd: string,
): Promise<{ child: ChildProcess; udn: string }> {
  const child = spawn(
    process.execPath,
    [bin, '--port', String(port), '--state-dir', stateDir, '--interface', '127.0.0.1', '--name', 'Startup Bench'],
    {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const udn = /uuid:[0-9a-f-]{36}/.exec(output)?.[0];
      if (udn !== undefined) resolve({ child, udn });
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`ssdp-device exited (${code}) before it was up: ${output}`)));
  });
}

async function measure(
  commands: readonly StartupCommand[],
  options: Options,
  cwd: string,
): Promise<Record<string, number[]>> {
  const times: Record<string, number[]> = Object.fromEntries(commands.map((command) => [command.name, []]));
  for (let round = 0; round < options.warmupRounds + options.rounds; round += 1) {
    const line: string[] = [];
    for (const command of roundOrder(commands, round)) {
      const run = await timeRun(command.args, cwd);
      const problem = command.check(run.code, run.stdout);
      if (problem !== undefined) throw new Error(`${command.name}: ${problem}; stderr: ${run.stderr.trim()}`);
      if (round >= options.warmupRounds) times[command.name]!.push(run.ms);
      line.push(`${command.name} ${run.ms.toFixed(0)} ms`);
    }
    const label =
      round < options.warmupRounds
        ? `warm-up ${round + 1}`
        : `round ${round - options.warmupRounds + 1}/${options.rounds}`;
    process.stderr.write(`startup: ${label}: ${line.join(', ')}\n`);
  }
  return times;
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const root = findWorkspaceRoot();
  const machine = describeMachine();
  const bins = {
    device: join(root, 'packages/device-app/bin/ssdp-device.js'),
    controller: join(root, 'packages/controller-app/bin/ssdp-controller.js'),
  };
  const port = 20_000 + Math.floor(Math.random() * 30_000); // private: loopback, away from 1900 and 1337
  const stateDir = mkdtempSync(join(tmpdir(), 'ssdp-bench-startup-'));
  let device: ChildProcess | undefined;
  const killDevice = () => device?.exitCode === null && device.kill('SIGKILL');
  process.on('exit', killDevice);
  let times: Record<string, number[]>;
  try {
    const started = await startDevice(bins.device, port, stateDir, root);
    device = started.child;
    times = await measure(startupCommands(bins, { port, mx: options.mx, udn: started.udn }), options, root);
  } finally {
    if (device?.exitCode === null) {
      const exited = new Promise((resolve) => device!.once('exit', resolve));
      device.kill('SIGTERM');
      await exited;
    }
    rmSync(stateDir, { recursive: true, force: true });
  }

  const facts = describeRun(root, machine, [
    'packages/device-app/src',
    'packages/controller-app/src',
    'packages/device/src',
    'packages/control-point/src',
    'tools/bench/src',
  ]);
  const input = {
    ...facts,
    options: { rounds: options.rounds, warmupRounds: options.warmupRounds, mx: options.mx },
    times,
  };
  const verdict = startupVerdict(input);
  publishResults('startup', options, { benchmark: 'startup', ...input, verdict }, startupMarkdown(input));
}

await main();
