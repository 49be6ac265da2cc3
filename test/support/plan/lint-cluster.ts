// For the lint rule specs: one small cluster (kube-system with CoreDNS, a labelled shop namespace, a bare
// one), a few policies over it, and the two scenarios every rule has: a case that triggers it, one that
// does not.
import {
  buildInventory,
  snapshotFromDocuments,
  type ClusterNetworkPolicy,
  type ClusterNetworkPolicySpec,
  type Inventory,
  type NetworkPolicy,
} from '@bulkhead/netpol';
import { lintPolicies, type LintContext, type LintRuleId } from '@bulkhead/plan';
import { pod } from './pod-document';

export const inventory = buildInventory(
  snapshotFromDocuments([
    {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { environment: 'production', team: 'shop' } } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bare' } },
        pod(
          'kube-system',
          'coredns-1',
          { 'k8s-app': 'kube-dns' },
          [
            { name: 'dns', containerPort: 53, protocol: 'UDP' },
            { name: 'dns-tcp', containerPort: 53 },
          ],
          '10.0.0.2',
        ),
        pod('shop', 'web-1', { app: 'web' }, [{ name: 'http', containerPort: 8080 }], '10.0.1.1'),
        pod('shop', 'db-1', { app: 'db' }, [{ name: 'postgres', containerPort: 5432 }], '10.0.1.2'),
        pod('bare', 'job-1', { app: 'job' }, [], '10.0.2.1'),
      ],
    },
  ]),
);
export const tiers: LintContext['tiers'] = { bare: 'dev' };

export const np = (namespace: string, name: string, spec: Partial<NetworkPolicy['spec']>): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace },
  spec: { podSelector: {}, ...spec },
});
export const shopPeer = (app: string) => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
  podSelector: { matchLabels: { app } },
});
export const dnsEgress = np('shop', 'dns', {
  policyTypes: ['Egress'],
  egress: [
    {
      to: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        },
      ],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    },
  ],
});
export const webToDb = np('shop', 'db-from-web', {
  podSelector: { matchLabels: { app: 'db' } },
  policyTypes: ['Ingress'],
  ingress: [{ from: [shopPeer('web')], ports: [{ protocol: 'TCP', port: 5432 }] }],
});

/** A ClusterNetworkPolicy (v1alpha2) over the cluster above. */
export const cnp = (name: string, spec: ClusterNetworkPolicySpec): ClusterNetworkPolicy => ({
  apiVersion: 'policy.networking.k8s.io/v1alpha2',
  kind: 'ClusterNetworkPolicy',
  metadata: { name },
  spec,
});
export const namespaceNamed = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });

/** The cluster above, holding these cluster-scoped policies. */
export const withClusterPolicies = (clusterPolicies: ClusterNetworkPolicy[]): Inventory => ({ ...inventory, clusterPolicies });

interface LintScenario {
  policies: NetworkPolicy[];
  clusterPolicies?: ClusterNetworkPolicy[];
  context?: LintContext;
}

export interface LintRuleCase {
  rule: LintRuleId;
  triggers: LintScenario;
  clean: LintScenario;
}

/** The findings of one rule in a scenario. */
export function findingsOf(rule: LintRuleId, { policies, clusterPolicies = [], context }: LintScenario) {
  return lintPolicies(withClusterPolicies(clusterPolicies), policies, { tiers, ...context }).filter((f) => f.rule === rule);
}

/** `triggers`: the rule finds something, and says what, where and how to fix it. `does not trigger`: it finds nothing. */
export function itTriggersOnlyWhenItShould({ rule, triggers, clean }: LintRuleCase): void {
  it('triggers', () => {
    const hit = findingsOf(rule, triggers);
    expect(hit.length).toBeGreaterThan(0);
    for (const f of hit) {
      expect(f.object).not.toBe('');
      expect(f.message).not.toBe('');
      expect(f.fix).not.toBe('');
    }
  });
  it('does not trigger', () => {
    expect(findingsOf(rule, clean)).toEqual([]);
  });
}
