const dateTime = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const number = new Intl.NumberFormat('en-US');

export const formatNumber = (n: number): string => number.format(n);

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return dateTime.format(new Date(iso));
}

/** A span of observation in whole days ("3 d"), or in hours under a day ("5 h"). */
export const formatObservedDays = (days: number): string => (days >= 1 ? `${Math.floor(days)} d` : `${Math.round(days * 24)} h`);

/** "3 minutes ago", "2 days ago": for things people judge by freshness. */
export function formatAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const s = Math.round((now - new Date(iso).getTime()) / 1000);
  if (s < 45) return 'just now';
  const units: Array<[number, string]> = [
    [60, 'minute'],
    [3600, 'hour'],
    [86400, 'day'],
  ];
  let value = Math.round(s / 60);
  let unit = 'minute';
  for (const [secs, name] of units) {
    if (s >= secs) {
      value = Math.round(s / secs);
      unit = name;
    }
  }
  return `${value} ${unit}${value === 1 ? '' : 's'} ago`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${formatNumber(n)} ${n === 1 ? one : many}`;

/** Who did something, as the API records it (`user:alice`, `token:ci`, `system:demo`), in words. */
export function personName(caller: string | null | undefined): string {
  if (!caller) return 'someone';
  const colon = caller.indexOf(':');
  if (colon < 0) return caller;
  const kind = caller.slice(0, colon);
  const name = caller.slice(colon + 1);
  if (kind === 'user') return name;
  if (kind === 'token') return `token “${name}”`;
  return name;
}
