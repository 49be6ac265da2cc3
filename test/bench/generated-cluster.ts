/** The benches' generated cluster: a DNS pod, and namespaces `team-0000`... across the three tiers, each with a pod per app. */
export const TIER_LABELS = ['development', 'staging', 'production'];

export const teamNamespace = (i: number): string => `team-${String(i).padStart(4, '0')}`;

export function generatedSnapshot(namespaces: number, apps: readonly string[]): { apiVersion: 'v1'; kind: 'List'; items: object[] } {
  const items: object[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'coredns-0', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
      spec: { containers: [{ name: 'coredns', ports: [{ containerPort: 53, protocol: 'UDP' }] }] },
      status: { phase: 'Running', podIP: '10.0.0.10' },
    },
  ];
  for (let i = 0; i < namespaces; i++) {
    const ns = teamNamespace(i);
    items.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { environment: TIER_LABELS[i % 3] } } });
    apps.forEach((app, a) =>
      items.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${app}-0`, namespace: ns, labels: { app } },
        spec: { containers: [{ name: app, ports: [{ name: 'http', containerPort: 8080 }] }] },
        status: { phase: 'Running', podIP: `10.${1 + (i >> 8)}.${i & 255}.${10 + a}` },
      }),
    );
  }
  return { apiVersion: 'v1', kind: 'List', items };
}
