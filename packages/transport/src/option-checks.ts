// Checks for a caller's options that both engines share; each throws InvalidOptionError naming the option.
import { InvalidOptionError } from './option-errors.ts';

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
