/**
 * Inputs that are legitimate but expensive: a generated cluster of `namespaces` x `podsPerNamespace`
 * pods, each namespace with policies that select by labels, and `probes` connections to evaluate.
 */
export function largeSimulateInput(size: { namespaces: number; podsPerNamespace: number; probes: number }) {
  const items: unknown[] = [];
  const pods: string[] = [];
  for (let n = 0; n < size.namespaces; n++) {
    const namespace = `team-${n}`;
    items.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace, labels: { team: String(n), tier: n % 2 ? 'prod' : 'dev' } },
    });
    for (let p = 0; p < size.podsPerNamespace; p++) {
      const name = `app-${p}`;
      pods.push(`${namespace}/${name}`);
      items.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace, labels: { app: `app-${p % 10}`, role: p % 3 ? 'backend' : 'frontend' } },
        spec: { containers: [{ name: 'main', ports: [{ name: 'http', containerPort: 8080 }] }] },
        status: { phase: 'Running', podIP: `10.${n % 250}.${Math.floor(p / 250)}.${(p % 250) + 1}` },
      });
    }
    for (let k = 0; k < 10; k++) {
      items.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: `allow-${k}`, namespace },
        spec: {
          podSelector: { matchLabels: { app: `app-${k}` } },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['prod'] }] },
                  podSelector: { matchLabels: { role: 'frontend' } },
                },
              ],
              ports: [{ port: 'http' }],
            },
          ],
          egress: [{ to: [{ namespaceSelector: {} }] }],
        },
      });
    }
  }
  const probes = Array.from({ length: size.probes }, (_, i) => ({
    from: pods[(i * 7919) % pods.length],
    to: pods[(i * 104729) % pods.length],
    port: i % 2 ? 'http' : 8080,
  }));
  return { snapshot: { apiVersion: 'v1', kind: 'List', items }, probes };
}
