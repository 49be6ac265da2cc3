// The identity of an edge end after attribution, and its stable string key (the database stores edges
// by it): `workload:payments/payments-api`, `external:api.stripe.com`, `external:8.8.8.8/32`,
// `external:10.0.0.0/8`, `external:pub`, `external:networkset:ns/name`, `reserved:kube-apiserver`,
// `node:worker-1` (a node of the inventory: its kubelet, an agent on it, a host-network pod, a NodePort).
import type { ReservedIdentity } from './model';

export type EdgeEndpoint =
  | { readonly kind: 'workload'; readonly namespace: string; readonly name: string; readonly workloadKind?: string; readonly key: string }
  | {
      readonly kind: 'external';
      /** A DNS name, a CIDR (`/32` for one IPv4 address), a Calico bucket (`pub`, `pvt`), or `networkset:<ns>/<name>`. */
      readonly name: string;
      readonly via: 'dns' | 'cidr' | 'network-set';
      readonly key: string;
    }
  | { readonly kind: 'reserved'; readonly name: ReservedIdentity; readonly key: string }
  | { readonly kind: 'node'; readonly name: string; readonly key: string };

const RESERVED = new Set<string>(['host', 'remote-node', 'kube-apiserver', 'health', 'ingress', 'init', 'unmanaged', 'encrypted-overlay']);

export function workloadEndpoint(namespace: string, name: string, workloadKind?: string): EdgeEndpoint {
  return { kind: 'workload', namespace, name, workloadKind, key: `workload:${namespace}/${name}` };
}

export function externalEndpoint(name: string, via: 'dns' | 'cidr' | 'network-set'): EdgeEndpoint {
  return { kind: 'external', name, via, key: `external:${name}` };
}

export function reservedEndpoint(name: ReservedIdentity): EdgeEndpoint {
  return { kind: 'reserved', name, key: `reserved:${name}` };
}

/** A node of the inventory, by its name. */
export function nodeEndpoint(name: string): EdgeEndpoint {
  return { kind: 'node', name, key: `node:${name}` };
}

/** The stable key of an endpoint (also available as `endpoint.key`). */
export function endpointKey(
  ep:
    | { readonly kind: 'workload'; readonly namespace: string; readonly name: string }
    | { readonly kind: 'external' | 'reserved' | 'node'; readonly name: string },
): string {
  switch (ep.kind) {
    case 'workload':
      return `workload:${ep.namespace}/${ep.name}`;
    case 'external':
      return `external:${ep.name}`;
    case 'reserved':
      return `reserved:${ep.name}`;
    case 'node':
      return `node:${ep.name}`;
  }
}

/** Parse a key produced by `endpointKey`. Returns undefined for anything else. */
export function parseEndpointKey(key: string): EdgeEndpoint | undefined {
  const colon = key.indexOf(':');
  if (colon < 0) return undefined;
  const kind = key.slice(0, colon);
  const rest = key.slice(colon + 1);
  if (rest === '') return undefined;
  if (kind === 'workload') {
    const slash = rest.indexOf('/');
    if (slash <= 0 || slash === rest.length - 1 || rest.indexOf('/', slash + 1) >= 0) return undefined;
    return workloadEndpoint(rest.slice(0, slash), rest.slice(slash + 1));
  }
  if (kind === 'external') {
    const via =
      rest.includes('/') && !rest.startsWith('networkset:')
        ? 'cidr'
        : rest.startsWith('networkset:') || rest === 'pub' || rest === 'pvt'
          ? 'network-set'
          : 'dns';
    return externalEndpoint(rest, via);
  }
  if (kind === 'reserved' && RESERVED.has(rest)) return reservedEndpoint(rest as ReservedIdentity);
  if (kind === 'node' && !rest.includes('/')) return nodeEndpoint(rest);
  return undefined;
}
