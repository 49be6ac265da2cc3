import type { ClusterDelivery, DeliveryBody, DeliveryView } from '@bulkhead/contracts';
import type { ClusterRecord, HostResolver, SecretSealer } from './cluster-store.port';
import { InventoryError } from '../errors';
import { type GitRemoteRules, judgeGitRepoUrl, sameGitServer } from './git-remote-policy';
import { resolvedAddressRefusal } from './kubeconfig-policy';

/** A delivery as the store takes it: without its credentials, and those sealed (null: none; absent: the stored ones stay). */
export interface DeliveryChange {
  delivery: ClusterDelivery;
  sealedDeliveryCredentials?: Uint8Array | null;
}

export interface DeliveryDeps {
  sealer: SecretSealer;
  resolver: HostResolver;
  gitRemotes: GitRemoteRules;
}

export function deliveryView(cluster: Pick<ClusterRecord, 'delivery' | 'hasDeliveryCredentials'>): DeliveryView {
  return cluster.delivery.kind === 'git' ? { ...cluster.delivery, credentialsSet: cluster.hasDeliveryCredentials } : { kind: 'direct' };
}

const refuse = (field: string, reason: string): never => {
  throw new InventoryError('cluster.invalid_delivery', [{ field: `delivery.${field}`, reason }]);
};

/**
 * Checks a delivery from a request against where the server may push (as written, and as the
 * repository's host resolves now; the worker checks again when it connects), and seals its credentials.
 * Credentials left out of a change stay only while the repository stays on the same server, so that a
 * stored token never follows a new URL to a host it was not made for.
 */
export async function checkDelivery(deps: DeliveryDeps, body: DeliveryBody, current?: ClusterRecord): Promise<DeliveryChange> {
  if (body.kind === 'direct') return { delivery: { kind: 'direct' }, sealedDeliveryCredentials: null };
  const { credentials, ...delivery } = body;
  const verdict = judgeGitRepoUrl(delivery.repoUrl, deps.gitRemotes);
  if ('reason' in verdict) return refuse('repoUrl', verdict.reason);
  if (verdict.transport === 'https' && verdict.host) {
    const addresses = await deps.resolver.resolve(verdict.host).catch(() => null);
    if (!addresses) return refuse('repoUrl', `${verdict.host} could not be resolved, so its address cannot be checked`);
    const reason = resolvedAddressRefusal(verdict.host, addresses, deps.gitRemotes);
    if (reason) return refuse('repoUrl', reason);
  }
  if (credentials && verdict.transport !== 'https') return refuse('credentials', 'only go with an https:// repository');
  if (credentials) return { delivery, sealedDeliveryCredentials: deps.sealer.seal(JSON.stringify(credentials)) };
  if (credentials === null || !current?.hasDeliveryCredentials) return { delivery, sealedDeliveryCredentials: null };
  const before = current.delivery;
  if (before.kind === 'git' && sameGitServer(before.repoUrl, delivery.repoUrl)) return { delivery };
  return refuse('credentials', 'must be given again, or null to drop them: the stored ones were given for another server');
}
