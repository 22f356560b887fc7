// Parsers of the peers' output, fed with output captured from the real tools in a lab.
import { describe, expect, it } from 'vitest';
import { parseGssdpDiscover } from '../src/gssdp-output.ts';
import { parseTcpdumpUdpLine } from '../src/tcpdump.ts';
import { parseUpnpcDevices } from '../src/upnpc-output.ts';

const UUID = 'uuid:11111111-2222-4333-8444-555555555555';
const LOCATION = 'http://10.77.0.2:36263/devices/11111111-2222-4333-8444-555555555555/description.xml';

describe('gssdp-discover output', () => {
  it('reads available resources with their locations', () => {
    const output = `Using network interface eth0
Scanning for all resources
Showing "available" messages
resource available
  USN:      ${UUID}::upnp:rootdevice
  Location: ${LOCATION}
resource available
  USN:      ${UUID}
  Location: ${LOCATION}
 
`;
    expect(parseGssdpDiscover(output)).toEqual([
      { kind: 'available', usn: `${UUID}::upnp:rootdevice`, locations: [LOCATION] },
      { kind: 'available', usn: UUID, locations: [LOCATION] },
    ]);
  });

  it('reads unavailable resources (USN only) and nothing from the banner alone', () => {
    expect(parseGssdpDiscover(`Showing "unavailable" messages\nresource unavailable\n  USN:      ${UUID}\n`)).toEqual([
      { kind: 'unavailable', usn: UUID, locations: [] },
    ]);
    expect(parseGssdpDiscover('Using network interface eth0\nScanning for all resources\n')).toEqual([]);
  });
});

describe('upnpc device list', () => {
  it('reads the list up to the IGD verdict', () => {
    const output = `upnpc : miniupnpc library test client, version 2.2.4.
 (c) 2005-2022 Thomas Bernard.
Go to http://miniupnp.free.fr/ or https://miniupnp.tuxfamily.org/
for more information.
List of UPNP devices found on the network :
 desc: ${LOCATION}
 st: upnp:rootdevice

 desc: http://10.77.0.9:8200/rootDesc.xml
 st: upnp:rootdevice

UPnP device found. Is it an IGD ? : http://10.77.0.2:46481/
`;
    expect(parseUpnpcDevices(output)).toEqual({
      listed: true,
      devices: [
        { desc: LOCATION, st: 'upnp:rootdevice' },
        { desc: 'http://10.77.0.9:8200/rootDesc.xml', st: 'upnp:rootdevice' },
      ],
    });
  });

  it('tells "no list printed" from an empty list', () => {
    expect(
      parseUpnpcDevices('upnpc : miniupnpc library test client\nNo IGD UPnP Device found on the network !\n'),
    ).toEqual({ listed: false, devices: [] });
  });
});

describe('tcpdump UDP lines', () => {
  it('reads IPv4 and IPv6 datagrams', () => {
    expect(parseTcpdumpUdpLine('20:39:32.208348 IP 192.168.0.2.1337 > 192.168.0.3.1337: UDP, length 378')).toEqual({
      family: 'IPv4',
      source: '192.168.0.2',
      sourcePort: 1337,
      destination: '192.168.0.3',
      destinationPort: 1337,
      length: 378,
    });
    expect(
      parseTcpdumpUdpLine('20:39:56.402341 IP6 fe80::6082:7bff:fe35:b14c.1900 > ff02::c.1900: UDP, length 394'),
    ).toMatchObject({
      family: 'IPv6',
      source: 'fe80::6082:7bff:fe35:b14c',
      destination: 'ff02::c',
      destinationPort: 1900,
    });
  });

  it('ignores everything else', () => {
    for (const line of [
      '',
      '17 packets captured',
      '20:39:32.2 IP 10.0.0.1.80 > 10.0.0.2.5000: Flags [S], seq 1',
      '20:39:32.2 ARP, Request who-has 10.0.0.1',
    ]) {
      expect(parseTcpdumpUdpLine(line), line).toBeUndefined();
    }
  });
});
