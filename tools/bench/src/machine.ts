// What a result was measured on and how it was started: a number without its machine and command is not a result.
import { cpus, availableParallelism, loadavg, release, totalmem, type, arch } from 'node:os';
import { execFileSync } from 'node:child_process';
import { relative } from 'node:path';

export interface MachineInfo {
  readonly cpuModel: string;
  /** Logical CPUs the OS reports. */
  readonly cores: number;
  /** What Node may use (cgroup/affinity aware). */
  readonly availableParallelism: number;
  readonly node: string;
  readonly v8: string;
  readonly os: string;
  readonly totalMemoryGiB: number;
  /** 1, 5 and 15 minute load averages when the run started: a busy shared machine shows here. */
  readonly loadAverage: readonly number[];
}

export function describeMachine(): MachineInfo {
  const cpuList = cpus();
  return {
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    availableParallelism: availableParallelism(),
    node: process.version,
    v8: process.versions.v8,
    os: `${type()} ${release()} ${arch()}`,
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

export interface CommandInfo {
  /** The Nx invocation when started by Nx (`nx run bench:codec`), else undefined. */
  readonly nx: string | undefined;
  /** The node command line, paths relative to `cwd`. */
  readonly node: string;
}

/** Reconstructs how this process was started (Nx sets NX_TASK_TARGET_* for the tasks it runs). */
export function describeCommand(cwd: string = process.cwd()): CommandInfo {
  const project = process.env['NX_TASK_TARGET_PROJECT'];
  const target = process.env['NX_TASK_TARGET_TARGET'];
  const script = process.argv[1] === undefined ? '' : relative(cwd, process.argv[1]);
  const node = ['node', ...process.execArgv, script, ...process.argv.slice(2)].filter((part) => part !== '').join(' ');
  return { nx: project !== undefined && target !== undefined ? `nx run ${project}:${target}` : undefined, node };
}

export interface RevisionInfo {
  /** HEAD commit, or undefined outside a git checkout. */
  readonly commit: string | undefined;
  /** Paths (of those asked about) with uncommitted changes: the numbers then describe the working tree. */
  readonly dirty: readonly string[];
}

/** The code that was measured: HEAD and whether `paths` differ from it (no git: commit undefined). */
export function describeRevision(root: string, paths: readonly string[]): RevisionInfo {
  try {
    const git = (...args: string[]): string =>
      execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', 'HEAD');
    const dirty = paths.filter((path) => git('status', '--porcelain', '--', path) !== '');
    return { commit, dirty };
  } catch {
    return { commit: undefined, dirty: [] };
  }
}

/** What every result states about its run: when, on what, started how, measuring which code. */
export interface RunFacts {
  readonly date: string;
  readonly machine: MachineInfo;
  readonly command: CommandInfo;
  readonly revision: RevisionInfo;
}

/**
 * The facts of a run that ends now; `machine` is described when the run starts (its load average is the one at
 * the start), `paths` are the code the benchmark measures (for the uncommitted-changes note).
 */
export function describeRun(root: string, machine: MachineInfo, paths: readonly string[]): RunFacts {
  return {
    date: new Date().toISOString(),
    machine,
    command: describeCommand(root),
    revision: describeRevision(root, paths),
  };
}
