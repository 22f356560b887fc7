// Thin entry point: real components, signals and exit codes. The behaviour lives in run-cli.ts and device.ts.
import { createNodeRuntime } from './node-runtime.ts';
import { runCli } from './run-cli.ts';

const write = (stream: NodeJS.WriteStream) => (line: string) => void stream.write(`${line}\n`);

// The first SIGINT/SIGTERM asks for a clean stop (runCli listens); a second one exits at once.
let signals = 0;
const onSignal = (signal: NodeJS.Signals) => {
  signals += 1;
  if (signals >= 2) process.exit(signal === 'SIGINT' ? 130 : 143);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// Never die on an unexpected error: report one line and keep serving.
process.on('uncaughtException', (error) => process.stderr.write(`ssdp-device: unexpected error: ${String(error)}\n`));
process.on('unhandledRejection', (error) => process.stderr.write(`ssdp-device: unexpected error: ${String(error)}\n`));

process.exitCode = await runCli(process.argv.slice(2), { stdout: write(process.stdout), stderr: write(process.stderr) }, createNodeRuntime());
