export {
  broadcastFlag,
  byteSizeFlag,
  integerFlag,
  interfacesFlag,
  parseArgumentTable,
  profileFlag,
  ratioFlag,
  secondsFlag,
  stringFlag,
  type FlagValues,
  type ProfileFlag,
} from './argument-table.ts';
export { readCommandLine, type CommandLineArguments, type CommandLineSpec } from './command-line.ts';
export { errorLine, reportFailure, unexpectedErrorLine } from './error-line.ts';
export { EXIT_OK, EXIT_SOFTWARE, EXIT_USAGE } from './exit-codes.ts';
export {
  createLineWriter,
  DEFAULT_MAX_BATCH_CHARS,
  type LineStream,
  type LineWriter,
  type LineWriterComponents,
  type LineWriterInit,
} from './line-writer.ts';
export { runMain, type CliProgram } from './main-entry.ts';
export { runProcess, type CliIo, type LineSink } from './process-entry.ts';
export { UsageError } from './usage-error.ts';
