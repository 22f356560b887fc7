// Names of the namespaces a lab creates: `<prefix>-<pid>-<random>-<role>`. The pid lets a later run tell a
// leftover of a dead process (swept) from a namespace of a run that is still going (left alone).

export const DEFAULT_PREFIX = 'ssdpt';

export function labId(prefix: string, pid: number, random: string): string {
  return `${prefix}-${pid}-${random}`;
}

/** Parses a namespace name of ours; undefined for anything else (then it is never touched). */
export function parseNamespaceName(prefix: string, name: string): { pid: number; labId: string } | undefined {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^(${escaped}-(\\d+)-[0-9a-z]{6})-[a-z0-9][a-z0-9-]*$`).exec(name);
  if (match === null) return undefined;
  return { labId: match[1]!, pid: Number(match[2]) };
}

export function validateName(kind: string, name: string): void {
  if (!/^[a-z0-9][a-z0-9-]{0,19}$/.test(name)) {
    throw new Error(`${kind} name "${name}" must be 1-20 characters of a-z, 0-9 and "-"`);
  }
}
