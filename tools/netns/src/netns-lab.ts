// Throwaway test hosts on one machine: a network namespace per host, joined by bridges that live in a separate
// "switch" namespace, so nothing of a lab is ever visible in (or routed through) the host namespace.
//
//   <lab>-sw    bridge br0 (link "lan"), br1 ...  with veth ports h0l0, h1l0 ...
//   <lab>-a     lo up, eth0 = peer of h0l0, 10.77.0.2/24 (+ IPv6 link-local, optional ULA), routes 239/8 + default
//   <lab>-b     lo up, eth0 = peer of h1l0, 10.77.0.3/24 ...
//
// Names are `<prefix>-<pid>-<random>-<role>`; everything is deleted on destroy(), on process exit and on
// SIGINT/SIGTERM/SIGHUP, and a new lab first sweeps leftovers whose creating process is dead (SIGKILL).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { DEFAULT_PREFIX, labId as makeLabId, parseNamespaceName, validateName } from './namespace-names.ts';
import { CommandError, run, runSyncQuietly, type RunResult } from './run-ip.ts';

export interface LabLinkInit {
  readonly name: string;
  /** IPv4 subnet, e.g. `192.168.0.0/24` for the legacy profile. Default `10.77.<link index>.0/24`. */
  readonly subnet?: string;
  /** Optional IPv6 /64 prefix (e.g. a ULA `fd77:0:0:1::`); IPv6 link-local addresses come anyway. */
  readonly ipv6Prefix?: string;
}

export interface LabHostInit {
  readonly name: string;
  /** Links this host is plugged into, one interface each (eth0, eth1 ...). Default: the first link. */
  readonly links?: readonly string[];
}

export interface NetnsLabInit {
  /** Namespace name prefix; default `ssdpt`. Only names of the form `<prefix>-<pid>-<random>-*` are ever touched. */
  readonly prefix?: string;
  /** Default: one link named `lan`. */
  readonly links?: readonly LabLinkInit[];
  readonly hosts: readonly (string | LabHostInit)[];
}

export interface LabInterface {
  /** Name inside the host namespace: eth0, eth1 ... */
  readonly name: string;
  readonly link: string;
  readonly address: string;
  readonly prefixLength: number;
  readonly broadcast: string;
  /** The IPv6 link-local address (without scope). */
  readonly linkLocal: string;
  /** The global/ULA IPv6 address, when the link has an ipv6Prefix. */
  readonly ipv6?: string;
}

export interface LabHost {
  readonly name: string;
  readonly namespace: string;
  readonly interfaces: readonly LabInterface[];
}

export interface NetnsLab {
  readonly id: string;
  readonly hosts: readonly LabHost[];
  host(name: string): LabHost;
  /** Runs a command inside a host namespace of this lab and collects its output; rejects on a non-zero exit. */
  exec(host: string, file: string, args?: readonly string[], options?: { timeoutMs?: number }): Promise<RunResult>;
  /** Starts a command inside a host namespace of this lab; the lab kills it on destroy. */
  spawn(host: string, file: string, args?: readonly string[], options?: SpawnOptions): ChildProcess;
  /** `tc qdisc replace dev <iface> root netem <args>` inside a host, e.g. `netem('a', 'eth0', ['loss', '10%'])`. */
  netem(host: string, iface: string, args: readonly string[]): Promise<void>;
  /** Kills what runs inside and deletes every namespace (and with them the veths and bridges). Idempotent. */
  destroy(): Promise<void>;
}

/** This kernel has no sch_netem (seen on some CI/container kernels): loss and delay cannot be emulated by tc. */
export class NetemUnavailableError extends Error {
  override readonly name = 'NetemUnavailableError';
  constructor() {
    super(
      'tc netem is not available in this kernel (no sch_netem); use MemoryNetwork loss/latency, or tbf rate limits',
    );
  }
}

interface LabState {
  readonly id: string;
  readonly namespaces: string[];
  readonly children: Set<ChildProcess>;
  destroyed: boolean;
}

// Exit and signal hooks are process-wide by nature: one registry of live labs per process.
const liveLabs = new Set<LabState>();
let hooksInstalled = false;

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const lab of liveLabs) destroySync(lab);
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      for (const lab of liveLabs) destroySync(lab);
      process.off(signal, onSignal);
      // If nobody else handles the signal, behave as if we never caught it: die of it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function destroySync(lab: LabState): void {
  lab.destroyed = true;
  for (const child of lab.children) child.kill('SIGKILL');
  for (const namespace of [...lab.namespaces].reverse()) {
    killInside(namespace, (args) => runSyncQuietly('ip', args));
    runSyncQuietly('ip', ['netns', 'del', namespace]);
  }
  lab.namespaces.length = 0;
  liveLabs.delete(lab);
}

/** Kills every process still inside one of our namespaces (only ever ones this lab started, or their children). */
function killInside(namespace: string, ip: (args: string[]) => string | undefined): void {
  const pids = (ip(['netns', 'pids', namespace]) ?? '').split(/\s+/).filter((p) => /^\d+$/.test(p));
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Namespaces whose names follow `<prefix>-<pid>-<random>-*` and whose creating process is gone. */
export async function sweepStaleNamespaces(prefix = DEFAULT_PREFIX): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'list']);
  const stale = stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => {
      const parsed = parseNamespaceName(prefix, name);
      return parsed !== undefined && parsed.pid !== process.pid && !isAlive(parsed.pid);
    });
  for (const namespace of stale) {
    killInside(namespace, (args) => runSyncQuietly('ip', args));
    await run('ip', ['netns', 'del', namespace]).catch(() => undefined);
  }
  return stale;
}

/** Namespaces of ours (any run, live or not) that exist right now; for tests that check nothing is left. */
export async function listLabNamespaces(prefix = DEFAULT_PREFIX): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'list']);
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => parseNamespaceName(prefix, name) !== undefined);
}

function parseSubnet(subnet: string): { base: number; prefixLength: number } {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(subnet);
  if (match === null) throw new Error(`subnet "${subnet}" is not a.b.c.d/len`);
  const octets = match.slice(1, 5).map(Number);
  const prefixLength = Number(match[5]);
  if (octets.some((o) => o > 255) || prefixLength < 8 || prefixLength > 30)
    throw new Error(`subnet "${subnet}" is out of range`);
  const value = octets.reduce((acc, o) => ((acc << 8) | o) >>> 0, 0);
  const mask = (0xffffffff << (32 - prefixLength)) >>> 0;
  return { base: (value & mask) >>> 0, prefixLength };
}

const toIpv4 = (value: number): string => [24, 16, 8, 0].map((s) => (value >>> s) & 255).join('.');

export async function createNetnsLab(init: NetnsLabInit): Promise<NetnsLab> {
  const prefix = init.prefix ?? DEFAULT_PREFIX;
  validateName('prefix', prefix);
  await sweepStaleNamespaces(prefix);
  installHooks();

  const id = makeLabId(prefix, process.pid, randomBytes(6).toString('hex').slice(0, 6));
  const state: LabState = { id, namespaces: [], children: new Set(), destroyed: false };
  liveLabs.add(state);

  const links = (init.links ?? [{ name: 'lan' }]).map((link, index) => {
    validateName('link', link.name);
    const { base, prefixLength } = parseSubnet(link.subnet ?? `10.77.${index}.0/24`);
    return { ...link, index, base, prefixLength, bridge: `br${index}`, members: 0 };
  });
  const hostInits = init.hosts.map((h) => (typeof h === 'string' ? { name: h } : h));
  const hosts: LabHost[] = [];

  const ip = async (args: string[]): Promise<void> => {
    await run('ip', args);
  };
  const switchNamespace = `${id}-sw`;
  try {
    await ip(['netns', 'add', switchNamespace]);
    state.namespaces.push(switchNamespace);
    await ip(['-n', switchNamespace, 'link', 'set', 'lo', 'up']);
    for (const link of links) {
      // No IGMP/MLD snooping: the bridge floods multicast like a dumb switch, so no querier is needed.
      await ip(['-n', switchNamespace, 'link', 'add', link.bridge, 'type', 'bridge', 'mcast_snooping', '0']);
      await ip(['-n', switchNamespace, 'link', 'set', link.bridge, 'up']);
    }

    for (const [hostIndex, hostInit] of hostInits.entries()) {
      validateName('host', hostInit.name);
      if (hostInit.name === 'sw' || hosts.some((h) => h.name === hostInit.name))
        throw new Error(`host name "${hostInit.name}" is taken`);
      const namespace = `${id}-${hostInit.name}`;
      await ip(['netns', 'add', namespace]);
      state.namespaces.push(namespace);
      // No duplicate address detection: link-local addresses are usable at once instead of after ~1 s.
      await run('ip', [
        'netns',
        'exec',
        namespace,
        'sysctl',
        '-qw',
        'net.ipv6.conf.all.accept_dad=0',
        'net.ipv6.conf.default.accept_dad=0',
      ]);
      await ip(['-n', namespace, 'link', 'set', 'lo', 'up']);
      const interfaces: LabInterface[] = [];
      for (const [ifaceIndex, linkName] of (hostInit.links ?? [links[0]!.name]).entries()) {
        const link = links.find((l) => l.name === linkName);
        if (link === undefined) throw new Error(`host ${hostInit.name}: no link "${linkName}"`);
        link.members += 1;
        const name = `eth${ifaceIndex}`;
        const port = `h${hostIndex}l${link.index}`;
        const address = toIpv4(link.base + link.members + 1);
        const broadcast = toIpv4((link.base | ~((0xffffffff << (32 - link.prefixLength)) >>> 0)) >>> 0);
        await ip([
          '-n',
          switchNamespace,
          'link',
          'add',
          port,
          'type',
          'veth',
          'peer',
          'name',
          name,
          'netns',
          namespace,
        ]);
        await ip(['-n', switchNamespace, 'link', 'set', port, 'master', link.bridge, 'up']);
        await ip([
          '-n',
          namespace,
          'addr',
          'add',
          `${address}/${link.prefixLength}`,
          'broadcast',
          broadcast,
          'dev',
          name,
        ]);
        const ipv6 =
          link.ipv6Prefix === undefined
            ? undefined
            : `${link.ipv6Prefix.replace(/::?$/, '')}::${(link.members + 1).toString(16)}`;
        if (ipv6 !== undefined) await ip(['-n', namespace, '-6', 'addr', 'add', `${ipv6}/64`, 'dev', name, 'nodad']);
        await ip(['-n', namespace, 'link', 'set', name, 'up']);
        if (ifaceIndex === 0) {
          await ip(['-n', namespace, 'route', 'add', '239.0.0.0/8', 'dev', name]);
          await ip(['-n', namespace, 'route', 'add', 'default', 'dev', name]);
        }
        interfaces.push({
          name,
          link: link.name,
          address,
          prefixLength: link.prefixLength,
          broadcast,
          linkLocal: '',
          ...(ipv6 === undefined ? {} : { ipv6 }),
        });
      }
      hosts.push({ name: hostInit.name, namespace, interfaces });
    }

    // Wait for the kernel to give every interface its IPv6 link-local address.
    for (const host of hosts) {
      for (const [index, iface] of host.interfaces.entries()) {
        const linkLocal = await waitForLinkLocal(host.namespace, iface.name);
        (host.interfaces as LabInterface[])[index] = { ...iface, linkLocal };
      }
    }
  } catch (error) {
    destroySync(state);
    throw error;
  }

  const find = (name: string): LabHost => {
    if (state.destroyed) throw new Error(`lab ${id} is destroyed`);
    const host = hosts.find((h) => h.name === name);
    // Only namespaces this lab created: a typo must never run a command somewhere else.
    if (host === undefined)
      throw new Error(`lab ${id} has no host "${name}" (it has ${hosts.map((h) => h.name).join(', ')})`);
    return host;
  };

  return {
    id,
    hosts,
    host: find,
    exec: async (host, file, args = [], options = {}) =>
      run('ip', ['netns', 'exec', find(host).namespace, file, ...args], options.timeoutMs ?? 30_000),
    spawn: (host, file, args = [], options = {}) => {
      const child = spawn('ip', ['netns', 'exec', find(host).namespace, file, ...args], options);
      state.children.add(child);
      child.once('exit', () => state.children.delete(child));
      return child;
    },
    netem: async (host, iface, args) => {
      try {
        await run('ip', [
          'netns',
          'exec',
          find(host).namespace,
          'tc',
          'qdisc',
          'replace',
          'dev',
          iface,
          'root',
          'netem',
          ...args,
        ]);
      } catch (error) {
        if (error instanceof CommandError && /qdisc kind is unknown/i.test(error.stderr)) {
          throw new NetemUnavailableError();
        }
        throw error;
      }
    },
    destroy: async () => {
      if (state.destroyed) return;
      state.destroyed = true;
      const exits = [...state.children].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
          }),
      );
      for (const child of state.children) child.kill('SIGTERM');
      await Promise.race([Promise.all(exits), new Promise((resolve) => setTimeout(resolve, 2000))]);
      destroySync(state);
    },
  };
}

async function waitForLinkLocal(namespace: string, iface: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { stdout } = await run('ip', ['-n', namespace, '-6', '-o', 'addr', 'show', 'dev', iface, 'scope', 'link']);
    const match = /inet6 (fe80::[0-9a-f:]+)\/64/.exec(stdout);
    if (match?.[1] !== undefined && !stdout.includes('tentative')) return match[1];
    if (Date.now() > deadline) throw new Error(`${namespace}: ${iface} got no IPv6 link-local address`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
