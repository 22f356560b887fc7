import { describe, expect, it } from 'vitest';
import {
  contentProblems,
  publicPackages,
  runtimeDependencies,
  sizeTable,
  type Manifest,
  type PackedPackage,
} from '../src/tarballs.ts';

const manifest: Manifest = {
  name: '@ssdp/device',
  version: '0.1.0',
  main: './dist/index.js',
  types: './dist/index.d.ts',
  exports: {
    '.': { types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' },
    './testing': { types: './dist/testing/index.d.ts', import: './dist/testing/index.js' },
    './package.json': './package.json',
  },
  dependencies: { '@ssdp/protocol': '0.1.0', zod: '4.6.7' },
};
const files = [
  'package.json',
  'README.md',
  'dist/index.js',
  'dist/index.d.ts',
  'dist/testing/index.js',
  'dist/testing/index.d.ts',
  'src/index.ts',
];

function packed(overrides: Partial<Manifest> = {}, extraFiles: string[] = []): PackedPackage {
  return {
    name: manifest.name,
    tarball: '/tmp/x.tgz',
    size: 2048,
    unpackedSize: 8192,
    files: [...files, ...extraFiles],
    manifest: { ...manifest, ...overrides },
  };
}
const names = new Set(['@ssdp/device', '@ssdp/protocol']);

describe('contentProblems', () => {
  it('passes a built package whose exports, main and types are all in the tarball', () => {
    expect(contentProblems(packed(), names)).toEqual([]);
  });

  it('finds spec files and test folders, but not a testing/ entry point', () => {
    const problems = contentProblems(
      packed({}, ['src/device.spec.ts', 'dist/device.spec.js', 'test/helpers.ts', 'src/__tests__/a.js']),
      names,
    );
    expect(problems).toEqual([
      'ships a test file: src/device.spec.ts',
      'ships a test file: dist/device.spec.js',
      'ships a test file: test/helpers.ts',
      'ships a test file: src/__tests__/a.js',
    ]);
  });

  it('refuses private packages and a tsx dependency of any kind', () => {
    const problems = contentProblems(
      packed({ private: true, dependencies: { tsx: '4.23.15' }, peerDependencies: { tsx: '*' } }),
      names,
    );
    expect(problems).toContain('is "private": npm publish would refuse it');
    expect(problems).toContain('depends on tsx (dependencies): nothing may be compiled at run time');
    expect(problems).toContain('depends on tsx (peerDependencies): nothing may be compiled at run time');
  });

  it('refuses exports that point at TypeScript sources or at files the tarball lacks', () => {
    expect(contentProblems(packed({ exports: { '.': './src/index.ts' } }), names)).toEqual([
      'exports "" points at ./src/index.ts',
    ]);
    expect(
      contentProblems(packed({ exports: { '.': { types: './dist/index.js', import: './dist/gone.js' } } }), names),
    ).toEqual(['exports "types" points at ./dist/index.js', 'exports ./dist/gone.js, which is not in the tarball']);
  });

  it('refuses a bin that is not packed, and an @ssdp dependency that would come from the registry', () => {
    const problems = contentProblems(
      packed({ bin: { 'ssdp-device': './bin/ssdp-device.js' }, dependencies: { '@ssdp/transport': '0.1.0' } }),
      names,
    );
    expect(problems).toEqual([
      './bin/ssdp-device.js is named in package.json but not in the tarball',
      'depends on @ssdp/transport@0.1.0, which is not packed here (it would come from the registry)',
    ]);
  });
});

describe('the size table', () => {
  it('lists runtime dependencies with optional peers marked', () => {
    expect(runtimeDependencies({ name: 'a', version: '1.0.0' })).toBe('none');
    expect(
      runtimeDependencies({
        name: 'a',
        version: '1.0.0',
        dependencies: { b: '1.0.0' },
        peerDependencies: { vitest: '>=3' },
        peerDependenciesMeta: { vitest: { optional: true } },
      }),
    ).toBe('b@1.0.0, vitest@>=3 (optional peer)');
  });

  it('has one row per package with sizes in KiB', () => {
    const table = sizeTable([packed()]).split('\n');
    expect(table).toHaveLength(3);
    expect(table[2]).toBe('| @ssdp/device@0.1.0 | 2.0 KiB | 8.0 KiB | 7 | @ssdp/protocol@0.1.0, zod@4.6.7 |');
  });
});

describe('publicPackages', () => {
  const entry = (folder: string, deps: string[] = [], extra: Partial<Manifest> = {}) => ({
    folder,
    manifest: {
      name: `@ssdp/${folder}`,
      version: '0.1.0',
      dependencies: Object.fromEntries(deps.map((d) => [`@ssdp/${d}`, '0.1.0'])),
      ...extra,
    },
  });

  it('takes every package that is not private, dependencies first, with its nx project name', () => {
    const found = [
      entry('device', ['transport', 'protocol'], { nx: { name: 'device-lib' } }),
      entry('protocol'),
      entry('transport', ['protocol']),
      entry('web', [], { private: true }),
    ];
    const result = publicPackages(found, ['protocol', 'device']);
    expect(result.map((p) => p.folder)).toEqual(['protocol', 'transport', 'device']);
    expect(result.map((p) => p.project)).toEqual(['protocol', 'transport', 'device-lib']);
  });

  it('fails when a required package is missing or private', () => {
    expect(() => publicPackages([entry('protocol')], ['protocol', 'device'])).toThrow('packages/device is missing');
    expect(() => publicPackages([entry('protocol', [], { private: true })], ['protocol'])).toThrow(
      'packages/protocol is private',
    );
  });
});
