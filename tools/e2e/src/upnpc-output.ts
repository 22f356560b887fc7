// Reads the device list of miniupnpc's `upnpc`:
//   List of UPNP devices found on the network :
//    desc: http://10.77.0.2:46481/devices/.../description.xml
//    st: upnp:rootdevice
//   <blank>
//   UPnP device found. Is it an IGD ? : http://10.77.0.2:46481/

export interface UpnpcDevice {
  readonly desc: string;
  readonly st: string;
}

export interface UpnpcListing {
  /** Whether the "List of UPNP devices found" header was printed at all. */
  readonly listed: boolean;
  readonly devices: readonly UpnpcDevice[];
}

export function parseUpnpcDevices(output: string): UpnpcListing {
  const lines = output.split('\n');
  const header = lines.findIndex((line) => line.startsWith('List of UPNP devices found'));
  if (header < 0) return { listed: false, devices: [] };
  const devices: UpnpcDevice[] = [];
  let desc: string | undefined;
  for (const raw of lines.slice(header + 1)) {
    const line = raw.trim();
    const match = /^(desc|st):\s*(\S.*)$/.exec(line);
    if (match === null) {
      // The list ends at the first line that is neither a field nor the blank line between devices.
      if (line === '') continue;
      break;
    }
    if (match[1] === 'desc') desc = match[2]!;
    else if (desc !== undefined) {
      devices.push({ desc, st: match[2]! });
      desc = undefined;
    }
  }
  return { listed: true, devices };
}
