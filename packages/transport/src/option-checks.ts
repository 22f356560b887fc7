// Checks for a caller's options that both engines share; each throws InvalidOptionError naming the option.
import { LEGACY_PORT, SSDP_PORT, type SsdpProfile } from '@ssdp/protocol';
import { InvalidOptionError } from './option-errors.ts';
import { RECEIVE_BUFFER_SIZE_MAX } from './receive-buffer.ts';

/** The options object itself: a plain object whose every key is one of `known`. */
export function knownOptions(options: unknown, known: ReadonlySet<string>): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new InvalidOptionError('options', 'expected an object');
  for (const key of Object.keys(options)) if (!known.has(key)) throw new InvalidOptionError(key, 'unknown option');
}

/** A non-empty one-line string, or undefined when absent. */
export function textOption(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || /[\r\n]/.test(value)) {
    throw new InvalidOptionError(name, `expected a non-empty one-line string, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** `profile`: 'upnp' (the default) or 'legacy'. */
export function profileOption(value: unknown): SsdpProfile {
  if (value === undefined) return 'upnp';
  if (value !== 'upnp' && value !== 'legacy') throw new InvalidOptionError('profile', "expected 'upnp' or 'legacy'");
  return value;
}

/** `port`: 1..65535; by default the profile's (1900, legacy 1337). */
export function portOption(value: unknown, profile: SsdpProfile): number {
  if (value === undefined) return profile === 'legacy' ? LEGACY_PORT : SSDP_PORT;
  return integerOption('port', value, 1, 65535);
}

/** `broadcastAddress`: only the legacy profile broadcasts. */
export function broadcastAddressOption(value: unknown, profile: SsdpProfile): string | undefined {
  const address = textOption('broadcastAddress', value);
  if (address !== undefined && profile !== 'legacy')
    throw new InvalidOptionError('broadcastAddress', "only with profile 'legacy'");
  return address;
}

/** `recvBufferSize` (bytes) as the transport's `receiveBufferSize`; nothing when absent. */
export function receiveBufferOption(value: unknown): { receiveBufferSize?: number } {
  if (value === undefined) return {};
  return { receiveBufferSize: integerOption('recvBufferSize', value, 1, RECEIVE_BUFFER_SIZE_MAX) };
}

/** An integer in min..max. */
export function integerOption(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(name, `expected an integer in ${min}..${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** `interfaces`: 'all' or a list of interface names or addresses; undefined (or an empty list) means loopback. */
export function interfacesOption(value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (value === 'all') return ['all'];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item.trim() === '')) {
    throw new InvalidOptionError('interfaces', "expected 'all' or an array of interface names or addresses");
  }
  return value.length === 0 ? undefined : (value as string[]);
}

/** The `signal` of an options object (start, collect, discover): an AbortSignal (or one from another realm). */
export function signalOption(options: unknown): AbortSignal | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new InvalidOptionError('options', 'expected an object');
  const { signal } = options as { signal?: unknown };
  if (signal === undefined || signal instanceof AbortSignal) return signal;
  const like = signal as { aborted?: unknown; addEventListener?: unknown; removeEventListener?: unknown } | null;
  if (
    typeof like?.aborted === 'boolean' &&
    typeof like.addEventListener === 'function' &&
    typeof like.removeEventListener === 'function'
  ) {
    return signal as AbortSignal;
  }
  throw new InvalidOptionError('signal', `expected an AbortSignal, got ${typeof signal}`);
}
