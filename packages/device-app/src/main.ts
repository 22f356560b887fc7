// Entry point of ssdp-device (bin/ssdp-device.js): the real runtime under @ssdp/cli-kit's process harness
// (batched stdout, signals, exit codes). The engine and its dependencies load only for a real run.
import { runMain } from '@ssdp/cli-kit';
import { version } from './version.ts';

runMain({
  name: 'ssdp-device',
  version,
  async run(argv, io, shutdown) {
    const [{ runCli }, { createNodeRuntime }] = await Promise.all([
      import('./run-cli.ts'),
      import('./node-runtime.ts'),
    ]);
    return runCli(argv, io, createNodeRuntime(shutdown));
  },
});
