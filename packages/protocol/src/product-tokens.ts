import { SsdpError, valueError, valueOk, type ValueResult } from './errors.ts';
import { readDecimal } from './decimal.ts';

/** One HTTP product token `name/version` (version undefined when there is no `/`). */
export interface ProductToken {
  readonly name: string;
  readonly version: string | undefined;
}

/** A UPnP architecture version from a `UPnP/major.minor` token. */
export interface UpnpVersion {
  readonly major: number;
  readonly minor: number;
}

/**
 * SERVER / USER-AGENT, UDA §1.2.2/§1.3.2: `OS/version UPnP/2.0 product/version`. Real senders vary (extra tokens
 * such as `DLNADOC/1.50`, commas, a missing UPnP token), so every token is kept and the three UDA roles are found
 * around the first `UPnP/x.y` token.
 */
export interface ProductTokens {
  /** Every token in order. A parenthesised comment is kept whole as a name without version. */
  readonly tokens: readonly ProductToken[];
  /** The first token, when a UPnP token follows it. */
  readonly os: ProductToken | undefined;
  /** The version of the first `UPnP/x.y` token. */
  readonly upnp: UpnpVersion | undefined;
  /** The token right after the UPnP token. */
  readonly product: ProductToken | undefined;
  /** True when the value is exactly `OS/ver UPnP/x.y product/ver` as UDA requires. */
  readonly conforms: boolean;
}

function splitToken(text: string): ProductToken {
  const slash = text.lastIndexOf('/');
  if (slash <= 0 || slash === text.length - 1) return { name: text, version: undefined };
  return { name: text.slice(0, slash), version: text.slice(slash + 1) };
}

function readUpnpVersion(token: ProductToken): UpnpVersion | undefined {
  if (token.name.toLowerCase() !== 'upnp' || token.version === undefined) return undefined;
  const dot = token.version.indexOf('.');
  if (dot < 0) return undefined;
  const major = readDecimal(token.version, 0, dot, 99);
  const minor = readDecimal(token.version, dot + 1, token.version.length, 99);
  return major >= 0 && minor >= 0 ? { major, minor } : undefined;
}

/** Splits on blanks and commas; keeps `( … )` comments (nesting allowed) as single tokens. */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x2c) {
      i++;
      continue;
    }
    const start = i;
    if (c === 0x28) {
      let depth = 0;
      for (; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x28) depth++;
        else if (d === 0x29 && --depth === 0) {
          i++;
          break;
        }
      }
    } else {
      while (i < text.length) {
        const d = text.charCodeAt(i);
        if (d === 0x20 || d === 0x09 || d === 0x2c) break;
        i++;
      }
    }
    tokens.push(text.slice(start, i));
  }
  return tokens;
}

/** Parses a SERVER or USER-AGENT value. Fails only when it holds no token at all. */
export function parseProductTokens(raw: string): ValueResult<ProductTokens> {
  const tokens = tokenize(raw).map(splitToken);
  if (tokens.length === 0) return valueError('SSDP_ERR_INVALID_PRODUCT_TOKENS', 'empty product token list');
  let upnpIndex = -1;
  let upnp: UpnpVersion | undefined;
  for (let i = 0; i < tokens.length && upnp === undefined; i++) {
    upnp = readUpnpVersion(tokens[i]!);
    if (upnp) upnpIndex = i;
  }
  const os = upnpIndex > 0 ? tokens[0] : undefined;
  const product = upnpIndex >= 0 ? tokens[upnpIndex + 1] : undefined;
  const conforms =
    tokens.length === 3 && upnpIndex === 1 && os?.version !== undefined && product?.version !== undefined;
  return valueOk({ tokens, os, upnp, product, conforms });
}

/** What {@link formatProductTokens} needs: the OS and product tokens; UPnP defaults to 2.0. */
export interface ProductTokensInit {
  readonly os: { readonly name: string; readonly version: string };
  readonly product: { readonly name: string; readonly version: string };
  readonly upnp?: UpnpVersion;
}

function checkTokenPart(value: string, what: string, allowSlash: boolean): void {
  // A version may not hold '/', or parsing would split it at the wrong place; names may (`@scope/pkg/1.0`).
  const bad = allowSlash ? /[\s,()]/ : /[\s,()/]/;
  if (value.length === 0 || bad.test(value)) {
    throw new SsdpError(
      'SSDP_ERR_INVALID_ARGUMENT',
      `${what} must be non-empty without blanks, commas or parentheses: ${JSON.stringify(value)}`,
    );
  }
}

/**
 * Formats `OS/ver UPnP/x.y product/ver` (UDA SERVER and USER-AGENT).
 * @throws {@link SsdpError} `SSDP_ERR_INVALID_ARGUMENT` for empty parts, blanks, commas or parentheses, or a
 *   version containing `/`.
 */
export function formatProductTokens(init: ProductTokensInit): string {
  const upnp = init.upnp ?? { major: 2, minor: 0 };
  checkTokenPart(init.os.name, 'OS name', true);
  checkTokenPart(init.os.version, 'OS version', false);
  checkTokenPart(init.product.name, 'product name', true);
  checkTokenPart(init.product.version, 'product version', false);
  for (const part of [upnp.major, upnp.minor]) {
    if (!Number.isInteger(part) || part < 0 || part > 99) {
      throw new SsdpError('SSDP_ERR_INVALID_ARGUMENT', `UPnP version parts must be integers in 0..99`);
    }
  }
  return `${init.os.name}/${init.os.version} UPnP/${upnp.major}.${upnp.minor} ${init.product.name}/${init.product.version}`;
}

/**
 * A token part made from free text such as an OS name or release (which may hold blanks, commas, parentheses or
 * slashes): each run of those becomes `-`, and nothing left becomes `unknown`, so formatProductTokens accepts it.
 */
export function productTokenPart(text: string): string {
  const cleaned = text.trim().replace(/[\s,()/]+/g, '-');
  return cleaned === '' ? 'unknown' : cleaned;
}

/** Accepts structured tokens or a raw string and returns the wire string. */
export function productTokensText(value: ProductTokensInit | string): string {
  return typeof value === 'string' ? value.trim() : formatProductTokens(value);
}
