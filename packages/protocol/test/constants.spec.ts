import { describe, expect, it } from 'vitest';
import { SSDP_IPV4_GROUP, SSDP_PORT } from '../src/index.ts';

describe('constants', () => {
  it('uses the UDA multicast group and port', () => {
    expect(`${SSDP_IPV4_GROUP}:${SSDP_PORT}`).toBe('239.255.255.250:1900');
  });
});
