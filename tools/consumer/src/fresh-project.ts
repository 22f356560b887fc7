// A fresh npm project outside the workspace that installs the tarballs as a user would. Third-party packages come
// from the registry; every @ssdp/* package, also when another one depends on it, comes from our tarballs
// (overrides with file: paths), never from the registry and never as a workspace link.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CheckFailure, run } from './exec.ts';
import type { PackedPackage } from './tarballs.ts';

/** The versions the workspace pins (root package.json), installed in the fresh project for the TS consumer. */
export const TYPESCRIPT_VERSION = '6.0.3';
export const TYPES_NODE_VERSION = '20.19.43';

/** The fresh project's package.json: the tarballs as dependencies, and as overrides for the nested @ssdp/* ones. */
export function freshPackageJson(packages: readonly PackedPackage[], projectDir: string): object {
  const specs = Object.fromEntries(packages.map((p) => [p.name, `file:${path.relative(projectDir, p.tarball)}`]));
  return {
    name: 'ssdp-consumer-app',
    version: '1.0.0',
    private: true,
    type: 'module',
    dependencies: specs,
    devDependencies: { typescript: TYPESCRIPT_VERSION, '@types/node': TYPES_NODE_VERSION },
    overrides: specs,
  };
}

interface LockEntry {
  readonly resolved?: string;
  readonly link?: boolean;
  readonly version?: string;
}

/** What in the installed tree did not come from our tarballs (or should not be there at all). */
export function installProblems(
  lock: { packages?: Record<string, LockEntry> },
  packages: readonly PackedPackage[],
): string[] {
  const problems: string[] = [];
  const entries = Object.entries(lock.packages ?? {}).filter(([key]) => key !== '');
  const installed = new Set<string>();
  for (const [key, entry] of entries) {
    const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (entry.link === true) problems.push(`${key} is a link, not an installed package`);
    if (name === 'tsx') problems.push(`${key}: tsx was installed (a runtime dependency of something we ship)`);
    if (!name.startsWith('@ssdp/')) continue;
    installed.add(name);
    if (entry.resolved === undefined || !entry.resolved.startsWith('file:')) {
      problems.push(`${key} resolved to ${entry.resolved ?? 'nothing'}, not to our tarball`);
    }
  }
  for (const p of packages) if (!installed.has(p.name)) problems.push(`${p.name} is not installed`);
  return problems;
}

/** npm's own variables that would steer the fresh install back into the workspace. */
export function freshEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      /^npm_(package|lifecycle)_|^npm_config_(workspaces?|include_workspace_root|prefix|global)$|^INIT_CWD$/i.test(key)
    )
      continue;
    env[key] = value;
  }
  return env;
}

export async function installFreshProject(projectDir: string, packages: readonly PackedPackage[]): Promise<void> {
  writeFileSync(
    path.join(projectDir, 'package.json'),
    `${JSON.stringify(freshPackageJson(packages, projectDir), null, 2)}\n`,
  );
  await run('npm install (fresh project)', 'npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: projectDir,
    env: freshEnv(),
    timeoutMs: 10 * 60_000,
  });
  const lock = JSON.parse(readFileSync(path.join(projectDir, 'package-lock.json'), 'utf8')) as {
    packages?: Record<string, LockEntry>;
  };
  const problems = installProblems(lock, packages);
  if (problems.length > 0) throw new CheckFailure(`the fresh install is not what a user gets:\n${problems.join('\n')}`);
}
