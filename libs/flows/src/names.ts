// Small pure helpers: time stamps, pod-name hash stripping, IP classification.

// Kubernetes generates ReplicaSet hashes and pod suffixes from this "safe" alphabet (no vowels, no 0/1/3).
const SAFE = /^[bcdfghjklmnpqrstvwxz2456789]+$/;
const DIGITS = /^[0-9]+$/;

function isHashSegment(seg: string, min: number, max: number): boolean {
  return seg.length >= min && seg.length <= max && (SAFE.test(seg) || DIGITS.test(seg));
}

/**
 * Candidate workload names for a pod name, most specific first, by stripping the generated parts:
 * `web-7d4b9c8f6d-x2x9k` -> [`web-7d4b9c8f6d`, `web`], `node-local-dns-88zrp` -> [`node-local-dns`], `db-0` -> [`db`].
 * Only segments that look generated are stripped, so `orders-api` yields nothing.
 */
export function podNameCandidates(pod: string): string[] {
  const out: string[] = [];
  const parts = pod.split('-');
  if (parts.length < 2) return out;
  const last = parts[parts.length - 1]!;
  if (DIGITS.test(last) && last.length <= 4) {
    out.push(parts.slice(0, -1).join('-')); // StatefulSet ordinal
    return out;
  }
  if (last.length === 5 && SAFE.test(last)) {
    out.push(parts.slice(0, -1).join('-')); // DaemonSet / Job / ReplicaSet pod suffix
    if (parts.length >= 3 && isHashSegment(parts[parts.length - 2]!, 5, 10)) out.push(parts.slice(0, -2).join('-'));
  }
  return out.filter((n) => n.length > 0);
}

/**
 * Workload name from a Calico aggregated name: `checkoutservice-598d5b586d-*` -> `checkoutservice`,
 * `client-pods-*` -> `client-pods`, legacy `rails-81531*` -> `rails`, bare pod `multitool` -> `multitool`.
 */
export function workloadFromAggregatedName(aggr: string): string {
  let name = aggr;
  if (name.endsWith('*')) name = name.slice(0, -1);
  if (name.endsWith('-')) name = name.slice(0, -1);
  const dash = name.lastIndexOf('-');
  if (dash > 0 && aggr.endsWith('*') && isHashSegment(name.slice(dash + 1), 4, 10)) name = name.slice(0, dash);
  return name;
}

/** The workload a pod name most probably belongs to, when nothing better is known. */
export function inferWorkloadFromPodName(pod: string): string {
  return podNameCandidates(pod).at(-1) ?? pod;
}

let lastSecondPrefix = '';
let lastSecondMs = 0;

/**
 * RFC 3339 to epoch ms, caching the whole-second part (flows arrive nearly in time order), so most
 * calls only read the fraction digits. Returns undefined for anything unparseable.
 */
export function parseTimeMs(time: unknown): number | undefined {
  if (typeof time !== 'string' || time.length < 20) return undefined;
  const last = time.charCodeAt(time.length - 1);
  let base: number;
  if (last === 90 /* Z */ && lastSecondPrefix.length === 19 && time.startsWith(lastSecondPrefix)) {
    base = lastSecondMs;
  } else {
    const prefix = time.slice(0, 19);
    const zone = last === 90 ? 'Z' : time.slice(19).replace(/^\.\d+/, '');
    const ms = Date.parse(prefix + zone);
    if (Number.isNaN(ms)) return undefined;
    if (zone === 'Z') {
      lastSecondPrefix = prefix;
      lastSecondMs = ms;
    }
    base = ms;
  }
  if (time.charCodeAt(19) !== 46 /* . */) return base;
  // ".136834446Z": milliseconds from the first three digits
  let frac = 0;
  let scale = 100;
  for (let i = 20; i < time.length && i <= 22; i++) {
    const d = time.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    frac += d * scale;
    scale /= 10;
  }
  return dateMs(base + frac);
}

/** The furthest a JavaScript Date reaches from the epoch either way: 100,000,000 days. */
const DATE_LIMIT_MS = 8.64e15;

/** `ms` when a Date can hold it; undefined for timestamps out of its range, which a parser treats as absent. */
export function dateMs(ms: number | undefined): number | undefined {
  return ms !== undefined && Number.isFinite(ms) && Math.abs(ms) <= DATE_LIMIT_MS ? ms : undefined;
}

export function isoFromMs(ms: number): string {
  return new Date(ms).toISOString();
}

/** True for IPv4 literals. */
export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  for (const p of parts) {
    if (p.length === 0 || p.length > 3 || !DIGITS.test(p) || Number(p) > 255) return false;
  }
  return true;
}

export function isIPv6(s: string): boolean {
  return s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s) && s.split('::').length <= 2;
}

export function isIp(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

/** `a.b.c.d/nn` or `v6/nn`. */
export function isCidr(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const bits = s.slice(slash + 1);
  if (!DIGITS.test(bits)) return false;
  const ip = s.slice(0, slash);
  const n = Number(bits);
  return (isIPv4(ip) && n <= 32) || (isIPv6(ip) && n <= 128);
}

/** RFC 1918, CGNAT, loopback, link-local, IPv6 ULA and link-local: addresses that are never "the internet". */
export function isPrivateIp(ip: string): boolean {
  if (isIPv4(ip)) {
    const octets = ip.split('.').map(Number);
    const a = octets[0]!;
    const b = octets[1]!;
    return (
      a === 10 ||
      a === 127 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254)
    );
  }
  const lower = ip.toLowerCase();
  return lower === '::1' || lower.startsWith('fc') || lower.startsWith('fd') || lower.startsWith('fe80');
}

/** Multicast and broadcast destinations (router solicitations, mDNS, ...) are never dependencies. */
export function isMulticastOrBroadcast(ip: string): boolean {
  const c0 = ip.charCodeAt(0);
  if (c0 === 102 || c0 === 70) return ip.length > 2 && (ip.charCodeAt(1) === 102 || ip.charCodeAt(1) === 70) && ip.includes(':'); // ff00::/8
  if (c0 !== 50 || ip.charCodeAt(3) !== 46) return false; // only 2xx.
  const a = (c0 - 48) * 100 + (ip.charCodeAt(1) - 48) * 10 + (ip.charCodeAt(2) - 48);
  return (a >= 224 && a <= 239) || ip === '255.255.255.255';
}

/** `1.2.3.4` -> `1.2.3.4/32`, `::1` -> `::1/128`; CIDRs unchanged. */
export function hostCidr(ip: string): string {
  if (ip.includes('/')) return ip;
  return ip.includes(':') ? `${ip}/128` : `${ip}/32`;
}
