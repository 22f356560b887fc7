// Entry point of ssdp-device (bin/ssdp-device.js): the real runtime, under the process policy of process-entry.ts.
// stdout is batched (one write per event-loop turn, not one per line: a write per line was a quarter of the CPU
// under an M-SEARCH storm); stderr is rare and written at once, after the stdout lines queued before it.
// `--version` alone answers before the engine and its dependencies are loaded (startup: docs/benchmarks.md).
import { createLineWriter } from './line-writer.ts';
import { runProcess } from './process-entry.ts';
import { version } from './version.ts';

const PROGRAM = 'ssdp-device';
const argv = process.argv.slice(2);

if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${version}\n`);
} else {
  const stdout = createLineWriter(
    {},
    {
      stream: process.stdout,
      defer: (callback) => void setImmediate(callback),
      onClosed: (error) =>
        void process.stderr.write(
          `${PROGRAM}: stdout closed (${(error as { code?: string }).code ?? error.message}); further output is discarded\n`,
        ),
    },
  );
  runProcess(PROGRAM, stdout, async (io, shutdown) => {
    const [{ runCli }, { createNodeRuntime }] = await Promise.all([
      import('./run-cli.ts'),
      import('./node-runtime.ts'),
    ]);
    return runCli(argv, io, createNodeRuntime(shutdown));
  });
}
