import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The ssdp-device argument table. Kept apart from main.ts so it can be tested and read on its own. */
export const options = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const satisfies ParseArgsConfig['options'];

export const usage = `Usage: ssdp-device [options]

Options:
  -h, --help       show this help and exit
  -V, --version    print the version and exit
`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CliArguments {
  help: boolean;
  version: boolean;
}

/** Parses argv (without node and the script). Throws UsageError, never anything else, on bad input. */
export function parseCliArguments(argv: readonly string[]): CliArguments {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return { help: values['help'] === true, version: values['version'] === true };
}
