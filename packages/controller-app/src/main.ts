// Entry point of ssdp-controller (bin/ssdp-controller.js): the real components, under the process policy of
// process-entry.ts. stdout gets a line per event as it comes (a control point prints little); --watch writes its
// screen to the same stream. `--version` alone answers before the control point and its dependencies are loaded
// (startup: docs/benchmarks.md).
import { runProcess, type LineSink } from './process-entry.ts';
import { version } from './version.ts';

const PROGRAM = 'ssdp-controller';
const stream = process.stdout;
const argv = process.argv.slice(2);

/** Lines written at once; a closed stdout (EPIPE: the reader went away) is said once, then output is discarded. */
function directLines(): LineSink {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (closed) return;
    closed = true;
    process.stderr.write(`${PROGRAM}: stdout closed (${error.code ?? error.message}); further output is discarded\n`);
  });
  return {
    write: (line) => void (closed || stream.write(`${line}\n`)),
    flush: () => undefined,
  };
}

if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  stream.write(`${version}\n`);
} else {
  runProcess(PROGRAM, directLines(), async (io, shutdown) => {
    const [{ runCli }, { createSystemComponents }] = await Promise.all([
      import('./run-cli.ts'),
      import('./system-components.ts'),
    ]);
    const terminal = stream.isTTY
      ? { terminal: { write: (text: string) => void stream.write(text), columns: stream.columns } }
      : {};
    return runCli(argv, { ...io, ...terminal }, createSystemComponents(shutdown));
  });
}
