import { describe, expect, it } from 'vitest';
import { controllerRegistry, registryDiff, viewState } from '../src/registries.ts';

const device = (event: string, udn: string, name: string, extra: Record<string, unknown> = {}) => ({
  event,
  udn,
  friendlyName: name,
  ...extra,
});

describe('registries from NDJSON', () => {
  it("follows a controller's added, updated and removed devices", () => {
    const registry = controllerRegistry(
      [
        device('device-added', 'uuid:a', 'A'),
        device('device-added', 'uuid:b', 'B'),
        device('device-updated', 'uuid:a', 'A2'),
        device('device-removed', 'uuid:b', 'B'),
      ],
      'east',
    );
    expect([...registry.keys()]).toEqual(['east uuid:a']);
    expect(registry.get('east uuid:a')).toMatchObject({ friendlyName: 'A2', site: 'east' });
  });

  it("follows a view's devices and site statuses, and names gaps, ghosts and stale entries", () => {
    const view = viewState([
      device('device-added', 'uuid:a', 'A', { site: 'east' }),
      device('device-added', 'uuid:g', 'G', { site: 'east' }),
      { event: 'site-status', site: 'east', status: 'online' },
      { event: 'site-status', site: 'east', status: 'offline' },
    ]);
    expect(view.sites.get('east')).toBe('offline');
    const expected = controllerRegistry(
      [device('device-added', 'uuid:a', 'A'), device('device-added', 'uuid:n', 'N')],
      'east',
    );
    expect(registryDiff(expected, view.devices)).toEqual(['gap: east uuid:n (N) is missing', 'ghost: east uuid:g (G)']);
    expect(registryDiff(expected, expected)).toEqual([]);
  });
});
