// Helpers for an argument table read with node:util parseArgs. Each turns one raw flag value into its type or
// throws a UsageError `--flag: expected ...` that names the flag; an absent flag is undefined.
import { isIPv4 } from 'node:net';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.ts';

export type FlagValues = Readonly<Record<string, unknown>>;

/** Parses argv (without node and the script) against `options`, strictly, without positionals. */
export function parseArgumentTable(argv: readonly string[], options: ParseArgsConfig['options']): FlagValues {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** The text of a flag, checked against `pattern`, or undefined when the flag is absent. */
function text(name: string, raw: unknown, pattern: RegExp, expected: string): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !pattern.test(raw.trim())) throw new UsageError(`--${name}: ${expected}`);
  return raw.trim();
}

function inRange(name: string, value: number, ok: boolean, expected: string): number {
  if (!ok || !Number.isFinite(value)) throw new UsageError(`--${name}: ${expected}`);
  return value;
}

export function stringFlag(values: FlagValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function integerFlag(name: string, raw: unknown, min: number, max: number): number | undefined {
  const expected = `expected an integer in ${min}..${max}`;
  const digits = text(name, raw, /^\d{1,10}$/, expected);
  if (digits === undefined) return undefined;
  const value = Number(digits);
  return inRange(name, value, value >= min && value <= max, expected);
}

/** Seconds > 0, with up to three decimals (milliseconds), at most `max`. */
export function secondsFlag(name: string, raw: unknown, max: number): number | undefined {
  const expected = `expected a number of seconds > 0 (at most ${max})`;
  const digits = text(name, raw, /^\d{1,9}(\.\d{1,3})?$/, expected);
  if (digits === undefined) return undefined;
  const value = Number(digits);
  return inRange(name, value, value > 0 && value <= max, expected);
}

/** A number in 0..max with up to three decimals, where 0 turns the feature off. */
export function ratioFlag(name: string, raw: unknown, max: number): number | undefined {
  const expected = `expected a number in 0..${max} (0 turns it off)`;
  const digits = text(name, raw, /^\d{1,9}(\.\d{1,3})?$/, expected);
  if (digits === undefined) return undefined;
  const value = Number(digits);
  return inRange(name, value, value <= max, expected);
}

const MIB = 1024 * 1024;

/** Bytes with an optional K or M suffix (KiB, MiB): 4194304, 4096K, 4M; 1 to `max` bytes. */
export function byteSizeFlag(name: string, raw: unknown, max: number): number | undefined {
  const limit = max % MIB === 0 ? `${max / MIB}M` : String(max);
  const expected = `expected a size in bytes from 1 to ${limit} (K and M suffixes allowed)`;
  const size = text(name, raw, /^\d{1,10}[kKmM]?$/, expected);
  if (size === undefined) return undefined;
  const unit = /k$/i.test(size) ? 1024 : /m$/i.test(size) ? MIB : 1;
  const value = Number.parseInt(size, 10) * unit;
  return inRange(name, value, value >= 1 && value <= max, expected);
}

export type ProfileFlag = 'upnp' | 'legacy';

/** --profile: upnp (the default) or legacy. */
export function profileFlag(raw: unknown): ProfileFlag {
  if (raw === undefined) return 'upnp';
  if (raw === 'upnp' || raw === 'legacy') return raw;
  throw new UsageError('--profile: expected upnp or legacy');
}

/** --broadcast: an IPv4 address, only with the legacy profile. */
export function broadcastFlag(raw: unknown, profile: ProfileFlag): string | undefined {
  if (raw === undefined) return undefined;
  if (profile !== 'legacy') throw new UsageError('--broadcast: only with --profile legacy');
  if (typeof raw !== 'string' || !isIPv4(raw))
    throw new UsageError('--broadcast: expected an IPv4 broadcast address like 192.168.0.255');
  return raw;
}

/** --interface, repeatable: names, addresses or `all`; none means loopback only. */
export function interfacesFlag(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw.map(String) : raw === undefined ? [] : [String(raw)];
  if (list.some((value) => value.trim() === ''))
    throw new UsageError('--interface: expected a name, an address or all');
  return list;
}
