// Markdown output: every benchmark prints its tables with these, so docs/benchmarks.md can take them verbatim.
import type { RunFacts } from './machine.ts';

/** A GitHub-flavoured Markdown table; cells are escaped for `|`. `align` is per column (default left). */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly ('l' | 'r')[],
): string {
  const escape = (cell: string): string => cell.replaceAll('|', '\\|').replaceAll('\n', ' ');
  for (const row of rows) {
    if (row.length !== header.length) throw new RangeError(`row has ${row.length} cells, header has ${header.length}`);
  }
  const rule = header.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [header, rule, ...rows]
    .map((cells, i) => `| ${(i === 1 ? cells : cells.map(escape)).join(' | ')} |`)
    .join('\n');
}

/** Operations per second with three significant digits: `1.23 M`, `456 k`, `789`. */
export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toPrecision(3)} M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toPrecision(3)} k`;
  return perSecond.toPrecision(3);
}

/** A ratio like `5.21×`. */
export function formatRatio(ratio: number): string {
  return `${ratio >= 100 ? ratio.toFixed(0) : ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×`;
}

/** The lines under a section's title that say when, on what, how and which code a result was measured. */
export function runHeader({ date, machine, command, revision }: RunFacts): string[] {
  return [
    `Measured ${date} on ${machine.cpuModel}, ${machine.cores} logical cores (${machine.availableParallelism} available), ${machine.totalMemoryGiB} GiB, ${machine.os}, Node ${machine.node}; load average at start ${machine.loadAverage.join(' / ')}.`,
    '',
    `Command: \`${command.nx ?? command.node}\`${command.nx === undefined ? '' : ` (runs \`${command.node}\`)`}.`,
    '',
    `Code: commit \`${revision.commit?.slice(0, 10) ?? 'unknown'}\`${revision.dirty.length === 0 ? '' : ` with uncommitted changes in ${revision.dirty.join(', ')}`}.`,
  ];
}
