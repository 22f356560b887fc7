// What a tarball must and must not hold, and the size table. Pure: the pack step feeds it npm pack's report and the
// package.json found inside each tarball.
import { CheckFailure } from './exec.ts';

/** A package folder of the workspace, with its nx project name. */
export interface WorkspacePackage {
  readonly folder: string;
  readonly project: string;
  readonly manifest: Manifest;
}

/**
 * The packages to publish: every one not private, dependencies before dependents. Throws if a required folder is
 * missing or private.
 */
export function publicPackages(
  found: readonly { folder: string; manifest: Manifest }[],
  required: readonly string[],
): WorkspacePackage[] {
  for (const folder of required) {
    const entry = found.find((f) => f.folder === folder);
    if (entry === undefined) throw new CheckFailure(`packages/${folder} is missing`);
    if (entry.manifest.private === true)
      throw new CheckFailure(`packages/${folder} is private, but it is one of the published packages`);
  }
  const candidates = found.filter((f) => f.manifest.private !== true).sort((a, b) => a.folder.localeCompare(b.folder));
  const ordered: WorkspacePackage[] = [];
  const placed = new Set<string>();
  const visit = (entry: { folder: string; manifest: Manifest }, path: readonly string[]): void => {
    if (placed.has(entry.manifest.name) || path.includes(entry.manifest.name)) return;
    for (const dependency of Object.keys(entry.manifest.dependencies ?? {})) {
      const inner = candidates.find((c) => c.manifest.name === dependency);
      if (inner !== undefined) visit(inner, [...path, entry.manifest.name]);
    }
    placed.add(entry.manifest.name);
    ordered.push({ folder: entry.folder, project: entry.manifest.nx?.name ?? entry.folder, manifest: entry.manifest });
  };
  for (const entry of candidates) visit(entry, []);
  return ordered;
}

/** The package.json fields the checks read. */
export interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly main?: string;
  readonly types?: string;
  readonly bin?: string | Readonly<Record<string, string>>;
  readonly exports?: unknown;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>;
  readonly nx?: { readonly name?: string };
}

export interface PackedPackage {
  readonly name: string;
  /** Absolute path of the .tgz. */
  readonly tarball: string;
  /** Bytes of the .tgz, and of its files unpacked. */
  readonly size: number;
  readonly unpackedSize: number;
  /** Paths inside the package (no leading `package/`). */
  readonly files: readonly string[];
  readonly manifest: Manifest;
}

const TEST_FILE = /\.(spec|test)\.(d\.)?[cm]?[jt]sx?(\.map)?$/;
const TEST_FOLDER = /(^|\/)(test|tests|__tests__)\//;
const RUNTIME_JS = /\.(js|mjs|cjs|json)$/;
const TYPES = /\.d\.([cm])?ts$/;

/** Every string target of an exports map, with the condition that leads to it ('' for a bare string). */
function exportTargets(exports: unknown, condition = ''): { condition: string; target: string }[] {
  if (typeof exports === 'string') return [{ condition, target: exports }];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.entries(exports).flatMap(([key, value]) => exportTargets(value, key.startsWith('.') ? condition : key));
}

function normalize(target: string): string {
  return target.replace(/^\.\//, '');
}

/** Why this tarball must not be published as it is (empty when it is fine). */
export function contentProblems(packed: PackedPackage, packedNames: ReadonlySet<string>): string[] {
  const { manifest, files } = packed;
  const problems: string[] = [];
  const present = new Set(files);
  for (const file of files) {
    if (TEST_FILE.test(file) || TEST_FOLDER.test(file)) problems.push(`ships a test file: ${file}`);
  }
  if (manifest.private === true) problems.push('is "private": npm publish would refuse it');
  for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies'] as const) {
    if (manifest[field]?.['tsx'] !== undefined)
      problems.push(`depends on tsx (${field}): nothing may be compiled at run time`);
  }
  for (const { condition, target } of exportTargets(manifest.exports)) {
    const file = normalize(target);
    if (condition === 'types' ? !TYPES.test(file) : !RUNTIME_JS.test(file))
      problems.push(`exports "${condition}" points at ${target}`);
    else if (!file.includes('*') && !present.has(file)) problems.push(`exports ${target}, which is not in the tarball`);
  }
  const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
  for (const target of [manifest.main, manifest.types, ...bins]) {
    if (target !== undefined && !present.has(normalize(target)))
      problems.push(`${target} is named in package.json but not in the tarball`);
  }
  for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
    if (name.startsWith('@ssdp/') && !packedNames.has(name))
      problems.push(`depends on ${name}@${range}, which is not packed here (it would come from the registry)`);
  }
  return problems;
}

/** Runtime dependencies as one cell: `a@1, b@2, c@3 (optional peer)`. */
export function runtimeDependencies(manifest: Manifest): string {
  const deps = Object.entries(manifest.dependencies ?? {}).map(([name, range]) => `${name}@${range}`);
  const optional = Object.entries(manifest.optionalDependencies ?? {}).map(
    ([name, range]) => `${name}@${range} (optional)`,
  );
  const peers = Object.entries(manifest.peerDependencies ?? {}).map(([name, range]) => {
    const isOptional = manifest.peerDependenciesMeta?.[name]?.optional === true;
    return `${name}@${range} (${isOptional ? 'optional ' : ''}peer)`;
  });
  const all = [...deps, ...optional, ...peers];
  return all.length === 0 ? 'none' : all.join(', ');
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

/** A Markdown table: package, packed size, unpacked size, files, runtime dependencies. */
export function sizeTable(packages: readonly PackedPackage[]): string {
  const rows = packages.map(
    (p) =>
      `| ${p.name}@${p.manifest.version} | ${kib(p.size)} | ${kib(p.unpackedSize)} | ${p.files.length} | ${runtimeDependencies(p.manifest)} |`,
  );
  return [
    '| package | tarball | unpacked | files | runtime dependencies |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
