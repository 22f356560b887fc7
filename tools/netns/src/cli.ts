// ssdp-netns: a thin command line over the lab, for benchmarks and manual experiments.
//   ssdp-netns run [--hosts a,b] [--subnet 10.77.0.0/24] [--in a] -- <command> [args...]
//   ssdp-netns list | sweep
import { parseArgs } from 'node:util';
import { netnsAvailable } from './available.ts';
import { createNetnsLab, listLabNamespaces, sweepStaleNamespaces } from './netns-lab.ts';

const USAGE =
  'usage: ssdp-netns run [--hosts a,b] [--subnet 10.77.0.0/24] [--in a] -- <command> [args...] | list | sweep';

function fail(message: string, code = 2): never {
  process.stderr.write(`ssdp-netns: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        hosts: { type: 'string', default: 'a,b' },
        subnet: { type: 'string' },
        in: { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    fail(`${(error as Error).message}; ${USAGE}`);
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help === true || command === undefined) fail(USAGE, parsed.values.help === true ? 0 : 2);
  const availability = netnsAvailable();
  if (!availability.ok) fail(availability.reason);

  if (command === 'list') {
    for (const name of await listLabNamespaces()) process.stdout.write(`${name}\n`);
    return;
  }
  if (command === 'sweep') {
    for (const name of await sweepStaleNamespaces()) process.stdout.write(`deleted ${name}\n`);
    return;
  }
  if (command !== 'run' || rest.length === 0) fail(USAGE);
  const hosts = (parsed.values.hosts ?? 'a,b').split(',').filter((h) => h !== '');
  const target = parsed.values.in ?? hosts[0]!;
  const lab = await createNetnsLab({
    ...(parsed.values.subnet === undefined ? {} : { links: [{ name: 'lan', subnet: parsed.values.subnet }] }),
    hosts,
  });
  for (const host of lab.hosts) {
    process.stderr.write(
      `${host.name}: ${host.namespace} ${host.interfaces.map((i) => `${i.name} ${i.address}/${i.prefixLength} ${i.linkLocal}`).join(', ')}\n`,
    );
  }
  const child = lab.spawn(target, rest[0]!, rest.slice(1), { stdio: 'inherit' });
  const code = await new Promise<number>((resolve) =>
    child.once('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1))),
  );
  await lab.destroy();
  process.exit(code);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message.split('\n')[0]! : String(error), 1));
