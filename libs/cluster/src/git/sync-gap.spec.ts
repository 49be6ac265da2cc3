import type { NetworkPolicy } from '@bulkhead/netpol';
import { syncGap } from './sync-gap';

const policy = (name: string, port = 8080, metadata: Record<string, unknown> = {}): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: 'shop', labels: { 'app.kubernetes.io/managed-by': 'bulkhead' }, ...metadata },
  spec: { podSelector: {}, ingress: [{ ports: [{ protocol: 'TCP', port }] }], policyTypes: ['Ingress'] },
});

const committed = [policy('default-deny'), policy('allow-web')];

describe('whether a namespace shows exactly the committed policies', () => {
  it.each([
    ['the same policies, in another order', [policy('allow-web'), policy('default-deny')]],
    [
      "the same policies with the syncer's own labels and annotations beside the committed ones",
      committed.map((p) =>
        policy(p.metadata.name, 8080, {
          labels: { 'app.kubernetes.io/managed-by': 'bulkhead', 'kustomize.toolkit.fluxcd.io/name': 'policies' },
          annotations: { 'argocd.argoproj.io/tracking-id': 'policies:networking.k8s.io/NetworkPolicy:shop/x' },
        }),
      ),
    ],
  ])('shows them: %s', (_case, shown) => {
    expect(syncGap(committed, shown)).toBeNull();
  });

  it.each([
    ['a policy is missing', [policy('default-deny')], 'missing allow-web'],
    ['a policy has another spec', [policy('default-deny'), policy('allow-web', 9090)], 'different allow-web'],
    ['a committed label is gone', [policy('default-deny'), policy('allow-web', 8080, { labels: {} })], 'different allow-web'],
    ['a policy that was not committed is there too', [...committed, policy('allow-all-legacy')], 'not committed allow-all-legacy'],
    ['nothing was applied', [], 'missing allow-web, default-deny'],
  ])('names what differs when %s', (_case, shown, gap) => {
    expect(syncGap(committed, shown)).toBe(gap);
  });

  it('counts the names past a few', () => {
    const many = Array.from({ length: 11 }, (_, i) => policy(`p${String(i).padStart(2, '0')}`));
    expect(syncGap(many, [])).toBe('missing p00, p01, p02, p03, p04, p05, p06, p07 and 3 more');
  });
});
