import { formatProductTokens, productTokenPart } from '@ssdp/protocol';
import { version } from './version.ts';

/** SERVER: `<os>/<release> UPnP/2.0 ssdp-device/<version>` (UDA §1.2.2). */
export function serverHeader(os: { readonly type: string; readonly release: string }): string {
  return formatProductTokens({
    os: { name: productTokenPart(os.type), version: productTokenPart(os.release) },
    product: { name: 'ssdp-device', version },
  });
}
