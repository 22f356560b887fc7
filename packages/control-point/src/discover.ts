// discover(): one search cycle, as a promise of the devices that answered (described unless describe: false).
import { InvalidOptionError, signalOption, throwIfAborted } from '@ssdp/transport';
import type { ControlPointOptions } from './control-point-options.ts';
import { createControlPoint, type ControlPointComponents } from './create-control-point.ts';
import type { DiscoveredDevice } from './discovered-device.ts';

export interface DiscoverOptions extends Omit<ControlPointOptions, 'cycles' | 'intervalMs'> {
  /** Aborting stops the search at once: discover() rejects with AbortError and closes its sockets. */
  readonly signal?: AbortSignal;
}

/**
 * Searches once (the M-SEARCH is sent twice, 100 ms apart), listens MX + 250 ms, reads the descriptions, and
 * resolves with the devices found, in the order they answered. Rejects with a typed error (`code`).
 */
export async function discover(
  options: DiscoverOptions = {},
  components: ControlPointComponents = {},
): Promise<DiscoveredDevice[]> {
  const signal = signalOption(options);
  const { signal: _signal, ...rest } = options;
  for (const key of ['cycles', 'intervalMs']) {
    if (key in rest)
      throw new InvalidOptionError(
        key,
        'not an option of discover(), which runs one search cycle (see createControlPoint)',
      );
  }
  throwIfAborted(signal);
  const controlPoint = createControlPoint({ ...rest, cycles: 1 }, components);
  await controlPoint.start(signal === undefined ? {} : { signal });
  try {
    return await controlPoint.collect(signal === undefined ? {} : { signal });
  } finally {
    await controlPoint.stop();
  }
}
