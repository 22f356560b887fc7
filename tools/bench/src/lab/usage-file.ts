// The record report-usage.mjs writes, and where to put it.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const REPORT_USAGE_MODULE = new URL('./report-usage.mjs', import.meta.url).pathname;

export interface ProcessUsage {
  readonly pid: number;
  readonly userCpuMs: number;
  readonly systemCpuMs: number;
  readonly maxRssKiB: number;
}

export function parseUsage(text: string): ProcessUsage {
  const value = JSON.parse(text) as Partial<ProcessUsage>;
  for (const key of ['pid', 'userCpuMs', 'systemCpuMs', 'maxRssKiB'] as const) {
    if (typeof value[key] !== 'number') throw new Error(`usage record without ${key}`);
  }
  return value as ProcessUsage;
}

/** Reads and deletes a usage file; undefined when the process wrote none (killed by a signal). */
export function takeUsage(file: string): ProcessUsage | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return parseUsage(readFileSync(file, 'utf8'));
  } finally {
    rmSync(file, { force: true });
  }
}

let counter = 0;
export function usageFilePath(directory: string, label: string): string {
  counter += 1;
  return join(directory, `${label.replace(/[^a-z0-9-]/gi, '_')}-${process.pid}-${counter}.usage.json`);
}
