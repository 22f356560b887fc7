// Reads the output of GSSDP's `gssdp-discover` (gupnp-tools): one block per resource,
//   resource available
//     USN:      uuid:...::upnp:rootdevice
//     Location: http://10.77.0.2:41213/...
// ("resource unavailable" blocks carry the USN only).

export interface GssdpResource {
  /** `available` or `unavailable` (whatever word follows "resource"). */
  readonly kind: string;
  readonly usn: string;
  readonly locations: readonly string[];
}

export function parseGssdpDiscover(output: string): GssdpResource[] {
  const resources: { kind: string; usn: string; locations: string[] }[] = [];
  let current: { kind: string; usn: string; locations: string[] } | undefined;
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    const start = /^resource (\S+)$/.exec(line);
    if (start !== null) {
      current = { kind: start[1]!, usn: '', locations: [] };
      resources.push(current);
      continue;
    }
    if (current === undefined) continue;
    const field = /^(USN|Location):\s*(\S.*)$/.exec(line);
    if (field === null) continue;
    if (field[1] === 'USN') current.usn = field[2]!;
    else current.locations.push(field[2]!);
  }
  return resources.filter((r) => r.usn !== '');
}
