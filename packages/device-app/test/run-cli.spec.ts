import { describe, expect, it } from 'vitest';
import { runCli } from '../src/run-cli.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) }, out, err };
}

describe('ssdp-device command line', () => {
  it('prints help on --help and exits 0', async () => {
    const { io, out } = capture();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(out.join('\n')).toContain('Usage: ssdp-device');
  });

  it('rejects an unknown flag with one line and exit code 2', async () => {
    const { io, out, err } = capture();
    expect(await runCli(['--bogus'], io)).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^ssdp-device: .*bogus/);
  });
});
