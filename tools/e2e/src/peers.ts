// The third-party peers. Client tools come from apt (gupnp-tools, miniupnpc, tcpdump); the daemons (minidlna,
// minissdpd) are only unpacked with `dpkg -x` into tools/e2e/.peers (an installed package would start them on
// the host). A missing peer is an error that says how to install it: its test fails, it never skips.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { peersRoot } from './repo-paths.ts';

export type PeerName = 'gssdp-discover' | 'upnpc' | 'tcpdump' | 'minidlnad' | 'minissdpd';

export interface PeerInfo {
  readonly name: PeerName;
  /** Debian package it comes from. */
  readonly package: string;
  readonly path: string;
  /** Debian version of the package, e.g. `1.3.0+dfsg-2.2+deb12u1`. */
  readonly version: string;
  /** The SSDP library doing the work, when it is a separate package (libgssdp, libminiupnpc): `package version`. */
  readonly library?: string;
}

const INSTALL_HINT =
  'install the peers as root with `bash tools/e2e/scripts/install-peers.sh` (or `nx run e2e:install-peers`), as .ci/run does';

const PACKAGES: Record<PeerName, { package: string; unpacked?: string; library?: RegExp }> = {
  'gssdp-discover': { package: 'gupnp-tools', library: /libgssdp/ },
  upnpc: { package: 'miniupnpc', library: /libminiupnpc/ },
  tcpdump: { package: 'tcpdump' },
  minidlnad: { package: 'minidlna', unpacked: 'usr/sbin/minidlnad' },
  minissdpd: { package: 'minissdpd', unpacked: 'usr/sbin/minissdpd' },
};

export class PeerMissingError extends Error {
  override readonly name = 'PeerMissingError';
  readonly code = 'E2E_ERR_PEER_MISSING';
}

function unpackedRoot(): string {
  return process.env['SSDP_E2E_PEERS_ROOT'] ?? peersRoot;
}

function onPath(file: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, file);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

function installedVersion(pkg: string): string | undefined {
  try {
    const out = execFileSync('dpkg-query', ['-W', '-f', '${Status}\t${Version}', pkg], {
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    const [status, version] = out.split('\t');
    return status?.endsWith(' installed') === true && version !== undefined && version !== '' ? version : undefined;
  } catch {
    return undefined;
  }
}

/** `package version` lines written by install-peers.sh next to the unpacked files. */
function unpackedVersion(pkg: string): string | undefined {
  const file = join(unpackedRoot(), '..', 'VERSIONS');
  if (!existsSync(file)) return undefined;
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${pkg} `));
  return line?.slice(pkg.length + 1).trim();
}

/** `package version` of the installed package that provides the linked library matching `pattern`. */
function libraryPackage(binary: string, pattern: RegExp): string | undefined {
  try {
    const ldd = execFileSync('ldd', [binary], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    const path = ldd
      .split('\n')
      .find((line) => pattern.test(line))
      ?.match(/=> (\S+)/)?.[1];
    if (path === undefined) return undefined;
    // dpkg knows the file by its /usr-merged or its unmerged name; try both.
    for (const candidate of [path, path.replace(/^\/usr\//, '/'), `/usr${path}`]) {
      try {
        const owner = execFileSync('dpkg-query', ['-S', candidate], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
        const pkg = owner.split(':')[0]!.trim();
        const version = installedVersion(pkg);
        if (version !== undefined) return `${pkg} ${version}`;
      } catch {
        // Not under this name.
      }
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/** Libraries the dynamic linker cannot find for `path` (empty when it can run). */
export function missingLibraries(path: string): string[] {
  try {
    const out = execFileSync('ldd', [path], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    return out
      .split('\n')
      .filter((line) => line.includes('not found'))
      .map((line) => line.trim().split(/\s+/)[0]!);
  } catch (error) {
    return [`ldd failed: ${(error as Error).message.split('\n')[0]}`];
  }
}

/** Where a peer is and which version it is, or why it is missing. */
export function findPeer(name: PeerName): PeerInfo | PeerMissingError {
  const { package: pkg, unpacked, library } = PACKAGES[name];
  if (unpacked !== undefined) {
    const path = join(unpackedRoot(), unpacked);
    if (!existsSync(path))
      return new PeerMissingError(`${name} (Debian package ${pkg}) is not unpacked at ${path}: ${INSTALL_HINT}`);
    const missing = missingLibraries(path);
    if (missing.length > 0)
      return new PeerMissingError(
        `${name} at ${path} cannot run, missing libraries ${missing.join(', ')}: ${INSTALL_HINT}`,
      );
    return { name, package: pkg, path, version: unpackedVersion(pkg) ?? 'unknown version' };
  }
  const path = onPath(name);
  if (path === undefined)
    return new PeerMissingError(`${name} (Debian package ${pkg}) is not installed: ${INSTALL_HINT}`);
  const libraryVersion = library === undefined ? undefined : libraryPackage(path, library);
  return {
    name,
    package: pkg,
    path,
    version: installedVersion(pkg) ?? 'unknown version',
    ...(libraryVersion === undefined ? {} : { library: libraryVersion }),
  };
}

/** For a test body: the peer, or a loud failure. */
export function requirePeer(name: PeerName): PeerInfo {
  const peer = findPeer(name);
  if (peer instanceof PeerMissingError) throw peer;
  return peer;
}

/** For a describe title: `minidlna 1.3.0+dfsg-2.2+deb12u1`, or `minidlna NOT INSTALLED`. */
export function peerTitle(name: PeerName): string {
  const peer = findPeer(name);
  if (peer instanceof PeerMissingError) return `${PACKAGES[name].package} NOT INSTALLED`;
  return `${peer.package} ${peer.version}${peer.library === undefined ? '' : `, ${peer.library}`}`;
}
