// Display forms: short device types, ages, countdowns.

/** `urn:schemas-upnp-org:device:MediaRenderer:1` → `MediaRenderer:1`; anything else as it is. */
export function shortType(type: string | null): string {
  if (type === null) return '';
  const match = /^urn:[^:]+:(?:device|service):(.+)$/i.exec(type);
  return match === null ? type : match[1]!;
}

/** `12 s ago`, `3 min ago`, `2 h ago`. */
export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 172_800) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** `29:58`, `1:02:03`, `expired`. */
export function countdown(ms: number): string {
  if (ms <= 0) return 'expired';
  const total = Math.ceil(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** `HH:MM:SS.mmm` in local time. */
export function clockTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** A sort key for addresses: IPv4 numerically, the rest as text after them. */
export function addressKey(address: string): string {
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (v4 === null) return `1${address.toLowerCase()}`;
  return `0${v4
    .slice(1)
    .map((part) => part.padStart(3, '0'))
    .join('.')}`;
}
