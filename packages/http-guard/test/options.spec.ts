// Option validation: every wrong value throws HttpGuardError with the stable code, naming the option.
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HTTP_GUARD_DEFAULTS, HttpGuardError, guardHttpServer, resolveHttpGuardOptions } from '../src/index.ts';
import type { HttpGuard, HttpGuardOptions } from '../src/index.ts';

const guards: HttpGuard[] = [];
afterEach(() => {
  for (const guard of guards.splice(0)) guard.close();
});

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('options', () => {
  it('fills in the documented defaults', () => {
    const guard = guardHttpServer(http.createServer());
    guards.push(guard);
    expect(guard.limits).toEqual({
      maxConnectionsPerSource: 8,
      maxConnections: 256,
      headersTimeoutMs: 5_000,
      requestTimeoutMs: 10_000,
      idleTimeoutMs: 5_000,
    });
    expect(resolveHttpGuardOptions({ maxConnections: 10, idleTimeoutMs: 0 }).limits).toEqual({
      ...HTTP_GUARD_DEFAULTS,
      maxConnections: 10,
      idleTimeoutMs: 0,
    });
  });

  const bad: [string, unknown, RegExp][] = [
    ['a string', 'fast', /options must be an object/],
    ['null', null, /options must be an object/],
    ['an array', [], /options must be an object/],
    ['an unknown key (a typo)', { maxConnectionPerSource: 4 }, /unknown http-guard option "maxConnectionPerSource"/],
    ['a zero per-source cap', { maxConnectionsPerSource: 0 }, /maxConnectionsPerSource must be an integer ≥ 1, got 0/],
    ['a fractional cap', { maxConnections: 2.5 }, /maxConnections must be an integer ≥ 1, got 2\.5/],
    ['a NaN cap', { maxConnections: Number.NaN }, /maxConnections must be an integer ≥ 1, got NaN/],
    ['an infinite cap', { maxConnections: Number.POSITIVE_INFINITY }, /maxConnections must be/],
    ['a numeric string', { maxConnections: '10' }, /maxConnections must be an integer ≥ 1, got "10"/],
    ['a negative timeout', { headersTimeoutMs: -1 }, /headersTimeoutMs must be an integer number of milliseconds/],
    ['a fractional timeout', { requestTimeoutMs: 0.5 }, /requestTimeoutMs must be/],
    [
      'a timeout beyond a timer',
      { idleTimeoutMs: 2 ** 31 },
      /idleTimeoutMs must be an integer number of milliseconds in 0\.\.2147483647/,
    ],
    ['a non-function onDrop', { onDrop: 'log' }, /onDrop must be a function/],
  ];
  it.each(bad)('rejects %s with SSDP_ERR_HTTP_GUARD_OPTION', (_what, options, message) => {
    const error = thrown(() => guardHttpServer(http.createServer(), options as HttpGuardOptions));
    expect(error).toBeInstanceOf(HttpGuardError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'HttpGuardError', code: 'SSDP_ERR_HTTP_GUARD_OPTION' });
    expect((error as Error).message).toMatch(message);
  });

  it('rejects a server that is not a node:http Server', () => {
    const error = thrown(() => guardHttpServer(net.createServer() as unknown as http.Server));
    expect(error).toMatchObject({
      code: 'SSDP_ERR_HTTP_GUARD_OPTION',
      message: expect.stringMatching(/node:http Server/),
    });
  });

  it('rejects a second guard on the same server until the first is closed', () => {
    const server = http.createServer();
    const first = guardHttpServer(server);
    guards.push(first);
    expect(thrown(() => guardHttpServer(server))).toMatchObject({ code: 'SSDP_ERR_HTTP_GUARD_OPTION' });
    first.close();
    guards.push(guardHttpServer(server));
  });
});
