// Thin entry point: real components, signals and exit codes. The behaviour lives in run-cli.ts and device.ts.
import { createLineWriter } from './line-writer.ts';
import { createNodeRuntime } from './node-runtime.ts';
import { runCli } from './run-cli.ts';

// stdout is batched (one write per event-loop turn, not one per line); stderr is rare and written at once, after
// the stdout lines queued before it.
const stdout = createLineWriter(
  {},
  {
    stream: process.stdout,
    defer: (callback) => void setImmediate(callback),
    onClosed: (error) => stderr(`ssdp-device: stdout closed (${(error as { code?: string }).code ?? error.message}); further output is discarded`),
  },
);
function stderr(line: string): void {
  stdout.flush();
  process.stderr.write(`${line}\n`);
}
// A second signal (process.exit) must not lose the lines still queued.
process.on('exit', () => stdout.flush());
// A closed stderr must not turn into an endless chain of uncaught errors (each reported on stderr again).
process.stderr.on('error', () => undefined);

// The first SIGINT/SIGTERM asks for a clean stop (runCli listens); a second one exits at once.
let signals = 0;
const onSignal = (signal: NodeJS.Signals) => {
  signals += 1;
  if (signals >= 2) process.exit(signal === 'SIGINT' ? 130 : 143);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// Never die on an unexpected error: report one line and keep serving.
process.on('uncaughtException', (error) => stderr(`ssdp-device: unexpected error: ${String(error)}`));
process.on('unhandledRejection', (error) => stderr(`ssdp-device: unexpected error: ${String(error)}`));

process.exitCode = await runCli(process.argv.slice(2), { stdout: (line) => stdout.write(line), stderr }, createNodeRuntime());
stdout.flush();
