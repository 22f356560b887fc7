// One key per source host: a dual-stack server sees IPv4 peers as `::ffff:1.2.3.4`; that is the host 1.2.3.4.

const IPV4_MAPPED = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

/** `::ffff:1.2.3.4` → `1.2.3.4`, IPv6 lower-cased, a missing address (socket already gone) → `unknown`. */
export function normalizeRemoteAddress(address: string | undefined): string {
  if (address === undefined || address === '') return 'unknown';
  const lower = address.toLowerCase();
  return IPV4_MAPPED.exec(lower)?.[1] ?? lower;
}
