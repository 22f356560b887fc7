// Where benchmark results go: tools/bench/results/<name>.json and .md, committed as the latest run.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The workspace root: the nearest directory above `from` holding nx.json (works from a bundle in tmp/ too). */
export function findWorkspaceRoot(from: string = import.meta.dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no nx.json above ${from}`);
    dir = parent;
  }
}

export function resultsDirectory(root: string = findWorkspaceRoot()): string {
  return join(root, 'tools', 'bench', 'results');
}

/** Writes `<name>.json` (pretty, trailing newline) and `<name>.md`; returns the two paths. */
export function writeResults(
  name: string,
  json: unknown,
  markdown: string,
  directory: string = resultsDirectory(),
): [string, string] {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
    throw new RangeError(`result name must be kebab-case: ${JSON.stringify(name)}`);
  mkdirSync(directory, { recursive: true });
  const jsonPath = join(directory, `${name}.json`);
  const markdownPath = join(directory, `${name}.md`);
  writeFileSync(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(markdownPath, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return [jsonPath, markdownPath];
}

/** Prints a benchmark's Markdown and, unless `--no-write`, writes it with its JSON under `name`. */
export function publishResults(
  benchmark: string,
  output: { readonly name: string; readonly write: boolean },
  json: unknown,
  markdown: string,
): void {
  process.stdout.write(`${markdown}\n`);
  if (!output.write) return;
  const [jsonPath, markdownPath] = writeResults(output.name, json, markdown);
  process.stderr.write(`${benchmark}: wrote ${jsonPath} and ${markdownPath}\n`);
}
