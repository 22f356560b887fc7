import { describe, expect, it } from 'vitest';
import { freshPackageJson, installProblems } from '../src/fresh-project.ts';
import type { PackedPackage } from '../src/tarballs.ts';

const pkg = (name: string, file: string): PackedPackage => ({
  name,
  tarball: `/tmp/w/tarballs/${file}`,
  size: 1,
  unpackedSize: 1,
  files: [],
  manifest: { name, version: '0.1.0' },
});
const packages = [pkg('@ssdp/protocol', 'ssdp-protocol-0.1.0.tgz'), pkg('@ssdp/device', 'ssdp-device-0.1.0.tgz')];

describe('the fresh project', () => {
  it('depends on each tarball by a relative file: path and overrides nested @ssdp deps with the same spec', () => {
    const json = freshPackageJson(packages, '/tmp/w/app') as Record<string, Record<string, string>>;
    const expected = {
      '@ssdp/protocol': 'file:../tarballs/ssdp-protocol-0.1.0.tgz',
      '@ssdp/device': 'file:../tarballs/ssdp-device-0.1.0.tgz',
    };
    expect(json['dependencies']).toEqual(expected);
    expect(json['overrides']).toEqual(expected);
    expect(json['devDependencies']).toEqual({ typescript: '6.0.3', '@types/node': '20.19.43' });
  });

  it('accepts a tree where every @ssdp package came from a tarball', () => {
    const lock = {
      packages: {
        '': {},
        'node_modules/@ssdp/protocol': { resolved: 'file:../tarballs/ssdp-protocol-0.1.0.tgz' },
        'node_modules/@ssdp/device': { resolved: 'file:../tarballs/ssdp-device-0.1.0.tgz' },
        'node_modules/zod': { resolved: 'https://registry.example/zod/-/zod-4.6.7.tgz' },
      },
    };
    expect(installProblems(lock, packages)).toEqual([]);
  });

  it('reports a registry copy (also nested), a link, tsx, and a package that is missing', () => {
    const lock = {
      packages: {
        'node_modules/@ssdp/protocol': { resolved: 'file:../tarballs/ssdp-protocol-0.1.0.tgz' },
        'node_modules/x/node_modules/@ssdp/protocol': {
          resolved: 'https://registry.example/@ssdp/protocol/-/protocol-0.1.0.tgz',
        },
        'node_modules/@ssdp/transport': { resolved: '../../packages/transport', link: true },
        'node_modules/tsx': { resolved: 'https://registry.example/tsx/-/tsx-4.23.15.tgz' },
      },
    };
    expect(installProblems(lock, packages)).toEqual([
      'node_modules/x/node_modules/@ssdp/protocol resolved to https://registry.example/@ssdp/protocol/-/protocol-0.1.0.tgz, not to our tarball',
      'node_modules/@ssdp/transport is a link, not an installed package',
      'node_modules/@ssdp/transport resolved to ../../packages/transport, not to our tarball',
      'node_modules/tsx: tsx was installed (a runtime dependency of something we ship)',
      '@ssdp/device is not installed',
    ]);
  });
});
