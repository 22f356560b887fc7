// Thin entry point: real components, signals, exit code. Data to stdout, logs to stderr.
import { runCli } from './run-cli.ts';
import { createSystemComponents } from './system-components.ts';

const shutdown = new AbortController();
let signals = 0;
const onSignal = (): void => {
  signals += 1;
  if (signals > 1) process.exit(130); // a second Ctrl-C: do not wait for a clean stop
  shutdown.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const stdout = process.stdout;
const code = await runCli(
  process.argv.slice(2),
  {
    stdout: (line) => stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    ...(stdout.isTTY ? { terminal: { write: (text: string) => stdout.write(text), columns: stdout.columns } } : {}),
  },
  createSystemComponents(shutdown.signal),
);
process.exitCode = code;
// Everything is closed by now; this only guards against a stray handle (e.g. a half-open HTTP socket).
setTimeout(() => process.exit(code), 2000).unref();
