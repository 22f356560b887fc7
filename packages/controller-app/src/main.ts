// Entry point of ssdp-controller (bin/ssdp-controller.js): the real components under @ssdp/cli-kit's process
// harness (batched stdout, signals, exit codes). The control point and its dependencies load only for a real run.
import { runMain } from '@ssdp/cli-kit';
import { version } from './version.ts';

runMain({
  name: 'ssdp-controller',
  version,
  async run(argv, io, shutdown) {
    const [{ runCli }, { createSystemComponents }] = await Promise.all([
      import('./run-cli.ts'),
      import('./system-components.ts'),
    ]);
    return runCli(argv, io, createSystemComponents(shutdown));
  },
});
