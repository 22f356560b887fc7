// Benchmark 5's commands: what is started in each round, and how its output is checked (a timing of a command
// that failed, or printed the wrong thing, is not a startup time).

export interface StartupCommand {
  /** The name in tables and results: what a user types. */
  readonly name: string;
  /** Arguments after the node executable. */
  readonly args: readonly string[];
  /** Undefined when the run did what it should; else why not. */
  check(exitCode: number | null, stdout: string): string | undefined;
}

export const BARE_NODE = 'node -e 0';
export const DEVICE_VERSION = 'ssdp-device --version';
export const CONTROLLER_VERSION = 'ssdp-controller --version';
export const controllerOnce = (mx: number): string => `ssdp-controller --once --mx ${mx}`;

function versionCheck(exitCode: number | null, stdout: string): string | undefined {
  if (exitCode !== 0) return `exit ${exitCode}`;
  return /^\d+\.\d+\.\d+\n$/.test(stdout) ? undefined : `printed ${JSON.stringify(stdout.slice(0, 80))}, not a version`;
}

/** The --once run must find exactly the device under test (by UDN) and exit 0. */
export function onceCheck(udn: string): StartupCommand['check'] {
  return (exitCode, stdout) => {
    if (exitCode !== 0) return `exit ${exitCode}`;
    let events: { event?: string; udn?: string }[];
    try {
      events = stdout
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as { event?: string; udn?: string });
    } catch {
      return `printed a line that is not JSON: ${JSON.stringify(stdout.slice(0, 80))}`;
    }
    const devices = events.filter((event) => event.event === 'device-found');
    if (devices.length !== 1 || devices[0]!.udn !== udn)
      return `found ${devices.map((d) => d.udn).join(', ') || 'nothing'}, not ${udn}`;
    return undefined;
  };
}

export interface Bins {
  readonly device: string;
  readonly controller: string;
}

/** The four commands: bare Node, both --version, and a --once against the device already up on `port`. */
export function startupCommands(
  bins: Bins,
  options: { readonly port: number; readonly mx: number; readonly udn: string },
): StartupCommand[] {
  return [
    {
      name: BARE_NODE,
      args: ['-e', '0'],
      check: (code, stdout) => (code === 0 && stdout === '' ? undefined : `exit ${code}`),
    },
    { name: DEVICE_VERSION, args: [bins.device, '--version'], check: versionCheck },
    { name: CONTROLLER_VERSION, args: [bins.controller, '--version'], check: versionCheck },
    {
      name: controllerOnce(options.mx),
      args: [
        bins.controller,
        '--once',
        '--json',
        '--mx',
        String(options.mx),
        '--port',
        String(options.port),
        '--interface',
        '127.0.0.1',
      ],
      check: onceCheck(options.udn),
    },
  ];
}
