import ipaddr from 'ipaddr.js';

/**
 * What a kubeconfig may make the Bulkhead server do. The API checks a kubeconfig with these rules when it
 * is registered or changed, and the Kubernetes driver checks it again before it connects, so a kubeconfig
 * stored before a rule existed is held to it too.
 */
export interface KubeconfigRules {
  /**
   * Lets a kubeconfig use what the server's host holds: exec and auth-provider plugins (commands run as the
   * server's user), files named by path (token, certificates, keys, CA), and a proxy. Off by default.
   */
  allowHostCredentials: boolean;
  /** Lets an API server address (or proxy) be loopback, link-local or unspecified. Off by default. */
  allowLoopback: boolean;
}

/** One refused part of a kubeconfig: the entry (`users[0] "ci"`), the field in it, and why. */
export interface KubeconfigRefusal {
  entry: string;
  field: string;
  reason: string;
}

/** A host name in a kubeconfig that must be resolved before its addresses can be judged. */
export interface HostToResolve {
  entry: string;
  field: string;
  host: string;
}

export interface KubeconfigReview {
  refusals: KubeconfigRefusal[];
  /** Names (not address literals) of the API servers and proxies; judge their addresses with resolvedAddressRefusal. */
  hostsToResolve: HostToResolve[];
}

const HOST_CREDENTIALS = 'BULKHEAD_KUBECONFIG_ALLOW_HOST_CREDENTIALS';
const LOOPBACK = 'BULKHEAD_CLUSTER_ALLOW_LOOPBACK';

/** Fields of `users[].user` that hold the credential itself, or change nothing on the host. */
const EMBEDDED_USER_FIELDS = new Set([
  'token',
  'client-certificate-data',
  'client-key-data',
  'username',
  'password',
  'as',
  'as-uid',
  'as-groups',
  'as-user-extra',
  'extensions',
]);
/** Fields of `clusters[].cluster` that read nothing from the host and send nowhere else. */
const EMBEDDED_CLUSTER_FIELDS = new Set([
  'server',
  'certificate-authority-data',
  'insecure-skip-tls-verify',
  'tls-server-name',
  'disable-compression',
  'extensions',
]);

/** Why the fields a kubeconfig client is known to act on are refused; any other unknown field is refused too. */
const HOST_FIELD_REASONS: Record<string, string> = {
  exec: 'runs a command on the Bulkhead host',
  'auth-provider': 'runs an auth-provider plugin on the Bulkhead host',
  tokenFile: 'reads a file on the Bulkhead host',
  'token-file': 'reads a file on the Bulkhead host',
  'client-certificate': 'reads a file on the Bulkhead host',
  'client-key': 'reads a file on the Bulkhead host',
  'certificate-authority': 'reads a file on the Bulkhead host',
  'proxy-url': 'sends the connection through a proxy the kubeconfig chooses',
};

/** The address ranges an API server may not be in, by ipaddr.js's range names. */
const INTERNAL_RANGES = new Set(['loopback', 'linkLocal', 'unspecified']);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Judges a parsed kubeconfig against the rules: every entry of `users` and `clusters`, not only the
 * current context's. Address literals are judged here; host names come back to be resolved.
 */
export function reviewKubeconfig(doc: unknown, rules: KubeconfigRules): KubeconfigReview {
  const refusals: KubeconfigRefusal[] = [];
  const hostsToResolve: HostToResolve[] = [];
  if (!isObject(doc)) return { refusals: [{ entry: 'kubeconfig', field: '', reason: 'is not a YAML mapping' }], hostsToResolve };
  const clusters = entries(doc, 'clusters', 'cluster', refusals);
  const users = entries(doc, 'users', 'user', refusals);
  if (!clusters.length || !users.length)
    refusals.push({ entry: 'kubeconfig', field: '', reason: 'must hold at least one cluster (with a server) and one user' });

  for (const { entry, body } of users) {
    if (!rules.allowHostCredentials) refusals.push(...hostFields(entry, body, EMBEDDED_USER_FIELDS));
  }
  for (const { entry, body } of clusters) {
    if (typeof body.server !== 'string') refusals.push({ entry, field: 'server', reason: 'is required (a URL)' });
    if (!rules.allowHostCredentials) refusals.push(...hostFields(entry, body, EMBEDDED_CLUSTER_FIELDS));
    for (const field of ['server', 'proxy-url'] as const) {
      const value = body[field];
      if (value === undefined || (field === 'server' && typeof value !== 'string')) continue;
      const verdict = judgeUrl(typeof value === 'string' ? value : JSON.stringify(value), field, rules);
      if ('reason' in verdict) refusals.push({ entry, field, reason: verdict.reason });
      else if (verdict.host) hostsToResolve.push({ entry, field, host: verdict.host });
    }
  }
  return { refusals, hostsToResolve };
}

/** Why a name's resolved addresses are refused (the first internal one, named), or null when all are fine. */
export function resolvedAddressRefusal(
  host: string,
  addresses: readonly string[],
  rules: Pick<KubeconfigRules, 'allowLoopback'>,
): string | null {
  if (rules.allowLoopback) return null;
  for (const address of addresses) {
    const range = internalRangeOf(address);
    if (range) return `${host} resolves to ${address}, a ${range} address (allowed only with ${LOOPBACK})`;
  }
  return null;
}

/** The internal range (loopback, linkLocal, unspecified) of an address in any IPv4 or IPv6 spelling, or null. */
export function internalRangeOf(address: string): string | null {
  if (!ipaddr.isValid(address)) return null;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    if (INTERNAL_RANGES.has(v6.range())) return v6.range();
    // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible) reach the IPv4 address they carry.
    const carriesIPv4 = v6.isIPv4MappedAddress() || v6.parts.slice(0, 6).every((part) => part === 0);
    if (carriesIPv4) ip = ipaddr.fromByteArray(v6.toByteArray().slice(12));
  }
  const range = ip.range();
  return INTERNAL_RANGES.has(range) ? range : null;
}

/** `users[0] "ci"` and its `user` mapping, for each entry of a list; a malformed entry is a refusal. */
function entries(
  doc: Json,
  list: 'users' | 'clusters',
  key: 'user' | 'cluster',
  refusals: KubeconfigRefusal[],
): Array<{ entry: string; body: Json }> {
  const items = doc[list];
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) {
    refusals.push({ entry: list, field: '', reason: 'must be a list' });
    return [];
  }
  return items.flatMap((item, index) => {
    const name = isObject(item) && typeof item.name === 'string' ? ` "${item.name}"` : '';
    const entry = `${list}[${index}]${name}`;
    if (!isObject(item) || !isObject(item[key])) {
      refusals.push({ entry, field: key, reason: 'must be a mapping' });
      return [];
    }
    return [{ entry, body: item[key] }];
  });
}

function hostFields(entry: string, body: Json, embedded: ReadonlySet<string>): KubeconfigRefusal[] {
  return Object.keys(body)
    .filter((field) => !embedded.has(field))
    .map((field) => ({
      entry,
      field,
      reason: `${HOST_FIELD_REASONS[field] ?? 'is not an embedded credential Bulkhead accepts'}; only embedded credentials are accepted (token, client-certificate-data and client-key-data, username and password, certificate-authority-data) unless ${HOST_CREDENTIALS} is set`,
    }));
}

/** An API server or proxy URL: refused, a name to resolve, or an address literal that is fine. */
function judgeUrl(text: string, field: 'server' | 'proxy-url', rules: KubeconfigRules): { reason: string } | { host?: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { reason: 'is not a URL' };
  }
  if (field === 'server' && url.protocol !== 'https:' && url.protocol !== 'http:')
    return { reason: 'must be an https:// (or http://) URL' };
  if (url.username || url.password) return { reason: 'carries credentials in the URL; put them in the user entry' };
  return judgeUrlHost(url, rules);
}

/**
 * The host of a parsed URL held to the clusters' loopback rule: refused (an internal address literal
 * or a loopback name), a name to resolve and judge with `resolvedAddressRefusal`, or a literal that is fine.
 */
export function judgeUrlHost(url: URL, rules: Pick<KubeconfigRules, 'allowLoopback'>): { reason: string } | { host?: string } {
  if (rules.allowLoopback) return {};
  // The WHATWG parser has already turned every IPv4 spelling (2130706433, 0x7f000001, 0177.0.0.1, 127.1,
  // a trailing dot) into dotted decimal, and IPv6 into its bracketed canonical form.
  const literal = url.hostname.startsWith('[')
    ? url.hostname.slice(1, -1)
    : ipaddr.IPv4.isValidFourPartDecimal(url.hostname)
      ? url.hostname
      : null;
  if (literal !== null) {
    const range = internalRangeOf(literal);
    return range ? { reason: `points to ${literal}, a ${range} address (allowed only with ${LOOPBACK})` } : {};
  }
  const name = url.hostname.replace(/\.+$/, '');
  if (name === 'localhost' || name.endsWith('.localhost'))
    return { reason: `points to ${name}, a loopback name (allowed only with ${LOOPBACK})` };
  return { host: name };
}
