import { formatProductTokens } from '@ssdp/protocol';
import { version } from './version.ts';

/** A product-token part: no blanks, commas, parentheses or slashes (os.release() may hold any of them). */
function tokenPart(value: string): string {
  const cleaned = value.trim().replace(/[\s,()/]+/g, '-');
  return cleaned === '' ? 'unknown' : cleaned;
}

/** SERVER: `<os>/<release> UPnP/2.0 ssdp-device/<version>` (UDA §1.2.2). */
export function serverHeader(os: { readonly type: string; readonly release: string }): string {
  return formatProductTokens({
    os: { name: tokenPart(os.type), version: tokenPart(os.release) },
    product: { name: 'ssdp-device', version },
  });
}
