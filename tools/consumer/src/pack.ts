// Builds the public packages and packs each into a folder outside the workspace, the way `npm publish` would.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CheckFailure, run } from './exec.ts';
import { publicPackages, type Manifest, type PackedPackage, type WorkspacePackage } from './tarballs.ts';

/** Published whatever else joins them: the check fails if one of these is missing or private. */
export const REQUIRED_PACKAGES = [
  'protocol',
  'runtime',
  'transport',
  'http-guard',
  'cli-kit',
  'device',
  'control-point',
  'device-app',
  'controller-app',
] as const;

/** Every package under packages/ that is not private, dependencies first. */
export function findPublicPackages(root: string): WorkspacePackage[] {
  const found = readdirSync(path.join(root, 'packages'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      try {
        const manifest = JSON.parse(
          readFileSync(path.join(root, 'packages', entry.name, 'package.json'), 'utf8'),
        ) as Manifest;
        return [{ folder: entry.name, manifest }];
      } catch {
        return [];
      }
    });
  return publicPackages(found, REQUIRED_PACKAGES);
}

interface NpmPackReport {
  readonly name: string;
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly { readonly path: string }[];
}

/** nx run-many -t build for the public packages (and what they depend on). */
export async function buildPackages(root: string, packages: readonly WorkspacePackage[]): Promise<void> {
  const nx = path.join(root, 'node_modules/.bin/nx');
  const projects = packages.map((p) => p.project).join(',');
  await run('nx run-many -t build', nx, ['run-many', '-t', 'build', '-p', projects, '--outputStyle=static'], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
    timeoutMs: 10 * 60_000,
  });
}

async function readManifest(tarball: string, cwd: string): Promise<Manifest> {
  const { stdout } = await run(`tar ${path.basename(tarball)}`, 'tar', ['-xzOf', tarball, 'package/package.json'], {
    cwd,
    timeoutMs: 30_000,
  });
  return JSON.parse(stdout) as Manifest;
}

/** npm pack of every public package into destination; each with its report and the package.json it ships. */
export async function packPackages(
  root: string,
  packages: readonly WorkspacePackage[],
  destination: string,
): Promise<PackedPackage[]> {
  mkdirSync(destination, { recursive: true });
  const workspaces = packages.flatMap((p) => ['-w', `packages/${p.folder}`]);
  const { stdout } = await run(
    'npm pack',
    'npm',
    ['pack', ...workspaces, '--pack-destination', destination, '--json', '--loglevel=error'],
    {
      cwd: root,
      timeoutMs: 5 * 60_000,
    },
  );
  let reports: NpmPackReport[];
  try {
    reports = JSON.parse(stdout) as NpmPackReport[];
  } catch {
    throw new CheckFailure(`npm pack: its --json report does not parse:\n${stdout.slice(0, 2000)}`);
  }
  if (reports.length !== packages.length)
    throw new CheckFailure(`npm pack: ${reports.length} tarballs for ${packages.length} packages`);
  const packed: PackedPackage[] = [];
  for (const report of reports) {
    const tarball = path.join(destination, report.filename);
    packed.push({
      name: report.name,
      tarball,
      size: report.size,
      unpackedSize: report.unpackedSize,
      files: report.files.map((file) => file.path),
      manifest: await readManifest(tarball, destination),
    });
  }
  return packed;
}
