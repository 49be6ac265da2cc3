import { type HostResolver, internalRangeOf, type KubeconfigRules, resolvedAddressRefusal } from '@bulkhead/inventory';
import { lookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';

/** Every address the operating system resolves a name to, as a connection would look it up. */
export const systemResolver: HostResolver = {
  resolve: (host) =>
    new Promise((resolve, reject) =>
      lookup(host, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses.map((a) => a.address)))),
    ),
};

const refused = (why: string) => Object.assign(new Error(`the API server address is refused: ${why}`), { code: 'EADDRREFUSED' });

/**
 * A `lookup` for the driver's sockets: it resolves the name, refuses the connection when any address is
 * loopback, link-local or unspecified, and hands the socket exactly the addresses it checked. The check
 * and the connection use one answer, so a name that resolves elsewhere the next time (DNS rebinding)
 * cannot slip in between.
 */
function guardedLookup(rules: KubeconfigRules): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', undefined);
      const reason = resolvedAddressRefusal(
        hostname,
        addresses.map((a) => a.address),
        rules,
      );
      if (reason) return callback(refused(reason), '', undefined);
      if ((options as LookupAllOptions).all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
      // dns.lookup answers an error or at least one address, and has already kept only the family the socket asked for.
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

type GuardableAgent = {
  options?: { lookup?: LookupFunction };
  createConnection?: (options: { host?: string }, callback: (error: Error | null, socket?: unknown) => void) => unknown;
};

/**
 * Checks the address of every socket an HTTP(S) agent of the driver opens, right before it connects:
 * names through the guarded lookup (Node's agents pass their options to each socket), address literals
 * (which never reach a lookup) as the socket is created. Redirects are followed with the same agent, so
 * a server that answers `302 Location: http://169.254.169.254/` is held to the same rule.
 *
 * An agent of any other shape (none at all, or one without per-socket options) is refused: the guard
 * fails closed rather than let sockets connect unchecked.
 *
 * What stays open: a proxy agent (possible only with host credentials allowed) opens its own sockets, so
 * there only the proxy URL's literal address was checked, by the kubeconfig review.
 */
export function guardAgent(agent: unknown, rules: KubeconfigRules): void {
  if (rules.allowLoopback) return;
  const guarded = agent as GuardableAgent | undefined;
  // An agent of another shape would open its sockets unchecked: refuse to connect at all.
  if (!guarded?.options || typeof guarded.createConnection !== 'function')
    throw refused('its connections cannot be checked (the HTTP agent is not one the guard knows)');
  guarded.options.lookup = guardedLookup(rules);
  const open = guarded.createConnection.bind(guarded);
  guarded.createConnection = (options, callback) => {
    const host = (options.host ?? '').replace(/^\[|\]$/g, '');
    const range = internalRangeOf(host);
    if (range) return callback(refused(`${host} is a ${range} address (allowed only with BULKHEAD_CLUSTER_ALLOW_LOOPBACK)`));
    return open(options, callback);
  };
}
