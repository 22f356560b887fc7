// The command-line options every benchmark reads the same way: integers, lists, a niceness, and where its
// results go (`--name`, `--no-write`).

/** parseArgs entries for `--name NAME` and `--no-write`, which every benchmark takes. */
export const OUTPUT_OPTIONS = {
  name: { type: 'string' },
  'no-write': { type: 'boolean' },
} as const;

export interface OutputOptions {
  /** The results' file name (kebab-case). */
  readonly name: string;
  readonly write: boolean;
}

/** `--name` (default `fallback`, checked kebab-case) and `--no-write`. */
export function outputOptions(values: { name?: string; 'no-write'?: boolean }, fallback: string): OutputOptions {
  const name = values.name ?? fallback;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`--name must be kebab-case, not ${JSON.stringify(name)}`);
  return { name, write: values['no-write'] !== true };
}

/** An integer >= `min`; `text` undefined gives `fallback`. */
export function integerOption(text: string | undefined, fallback: number, flag: string, min = 1): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${flag}: expected an integer >= ${min}, got ${JSON.stringify(text)}`);
  return value;
}

/** The comma-separated parts of `text`, empty ones left out. */
export function listOption(text: string): string[] {
  return text.split(',').filter((part) => part !== '');
}

/** A list of positive integers, e.g. `--sizes 1000,5000`. */
export function integerListOption(text: string, flag: string): number[] {
  return listOption(text).map((part) => integerOption(part, 0, flag));
}

/** A list of names out of `allowed`, e.g. `--devices ours,node-ssdp`. */
export function namesOption<T extends string>(text: string, allowed: readonly T[], flag: string): T[] {
  return listOption(text).map((part) => {
    if (!(allowed as readonly string[]).includes(part))
      throw new Error(`${flag}: unknown ${part} (${allowed.join(', ')})`);
    return part as T;
  });
}

/** `--priority N`: the niceness of the lab processes, -20..19 (0, the default: unchanged). */
export function priorityOption(text: string | undefined): number {
  const value = Number(text ?? 0);
  if (!Number.isInteger(value) || value < -20 || value > 19)
    throw new Error(`--priority must be a niceness in -20..19, not ${JSON.stringify(text)}`);
  return value;
}
