// Generation, scenario by scenario: the breakers and their switches, externals, the API server, reviews.
import { PlainEvaluator, buildInventory, snapshotFromDocuments, type NetworkPolicy } from '@bulkhead/netpol';
import { generatePlan, type PlanEdge, type PlanInput } from '../index';
import { pod } from '../../../../test/support/plan/pod-document';

const inventory = buildInventory(
  snapshotFromDocuments([
    {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ingress-nginx' } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { environment: 'production' } } },
        pod(
          'kube-system',
          'coredns',
          { 'k8s-app': 'kube-dns' },
          [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 53 }],
          '10.0.0.2',
        ),
        pod(
          'ingress-nginx',
          'controller',
          { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
          [{ containerPort: 443 }],
          '10.0.3.1',
        ),
        pod('monitoring', 'prometheus', { 'app.kubernetes.io/name': 'prometheus' }, [{ containerPort: 9090 }], '10.0.4.1'),
        pod('shop', 'web', { app: 'web' }, [{ containerPort: 8080 }, { name: 'metrics', containerPort: 9100 }], '10.0.1.1'),
        pod('shop', 'db', { app: 'db' }, [{ containerPort: 5432 }], '10.0.1.2'),
      ],
    },
  ]),
);
const at = { firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-05T00:00:00.000Z' };
const e = (src: string, dst: string, port: number | null, protocol = 'TCP', extra: Partial<PlanEdge> = {}): PlanEdge => ({
  src,
  dst,
  port,
  protocol,
  connections: 5,
  ...at,
  ...extra,
});
const base: PlanEdge[] = [
  e('workload:ingress-nginx/controller', 'workload:shop/web', 8080),
  e('external:203.0.113.9/32', 'workload:ingress-nginx/controller', 443),
  e('external:10.0.0.11/32', 'workload:ingress-nginx/controller', 443),
  e('workload:monitoring/prometheus', 'workload:shop/web', 9100),
  e('workload:shop/web', 'workload:shop/db', 5432),
  e('workload:shop/web', 'workload:kube-system/coredns', 53, 'UDP'),
  e('workload:shop/web', 'reserved:kube-apiserver', 443),
  e('workload:shop/web', 'external:api.stripe.com', 443),
];
const input: PlanInput = {
  inventory,
  edges: base,
  externalAddresses: { 'api.stripe.com': ['198.51.100.10'] },
  apiServerAddresses: ['10.0.0.10'],
};
const names = (policies: NetworkPolicy[]) => policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
const podNamed = (name: string) => inventory.pods.find((p) => p.name === name)!;
const allowed = (policies: NetworkPolicy[], from: string, to: string | { ip: string }, port: number, protocol: 'TCP' | 'UDP' = 'TCP') =>
  new PlainEvaluator({ namespaces: inventory.namespaces, pods: inventory.pods, policies }).evaluate({
    from: { pod: podNamed(from) },
    to: typeof to === 'string' ? { pod: podNamed(to) } : to,
    port,
    protocol,
  }).allowed;

describe('generatePlan', () => {
  const plan = generatePlan(input);

  it('writes one policy per purpose, with stable names, labels and annotations', () => {
    expect(names(plan.policies)).toEqual([
      'ingress-nginx/bulkhead-allow-dns',
      'ingress-nginx/bulkhead-controller-public-entry',
      'ingress-nginx/bulkhead-controller-to-backends',
      'ingress-nginx/bulkhead-default-deny',
      'kube-system/bulkhead-allow-dns',
      'kube-system/bulkhead-default-deny',
      'kube-system/bulkhead-dns-server',
      'monitoring/bulkhead-allow-dns',
      'monitoring/bulkhead-default-deny',
      'monitoring/bulkhead-prometheus-scrape',
      'shop/bulkhead-allow-dns',
      'shop/bulkhead-db-ingress',
      'shop/bulkhead-default-deny',
      'shop/bulkhead-web-egress',
      'shop/bulkhead-web-from-ingress-controller',
      'shop/bulkhead-web-from-prometheus',
      'shop/bulkhead-web-to-api-server',
    ]);
    const web = plan.policies.find((p) => p.metadata.name === 'bulkhead-web-from-prometheus')!;
    expect(web.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'bulkhead', 'bulkhead.io/purpose': 'prometheus' });
    expect(web.metadata.annotations).toMatchObject({ 'bulkhead.io/switch': 'options.prometheus', 'bulkhead.io/workload': 'shop/web' });
    expect(String((web.metadata.annotations as Record<string, string>)['bulkhead.io/evidence'])).toBe(
      'ingress[0]: 1 edge, 5 connections 2026-11-01T00:00:00.000Z..2026-11-05T00:00:00.000Z',
    );
  });

  it('lets the world reach the ingress controller on its observed port only, private clients by name', () => {
    const entry = plan.policies.find((p) => p.metadata.name === 'bulkhead-controller-public-entry')!;
    expect(entry.spec.ingress).toEqual([
      {
        from: [
          { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '100.64.0.0/10', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'] } },
          { ipBlock: { cidr: '10.0.0.11/32' } },
        ],
        ports: [{ protocol: 'TCP', port: 443 }],
      },
    ]);
    // pods are not "the world"
    expect(allowed(plan.policies, 'db', 'controller', 443)).toBe(false);
  });

  it('gives the API server and DNS-named externals their addresses, on the right ports', () => {
    expect(allowed(plan.policies, 'web', { ip: '10.0.0.10' }, 443)).toBe(true);
    expect(allowed(plan.policies, 'web', { ip: '10.0.0.10' }, 6443)).toBe(true);
    expect(allowed(plan.policies, 'db', { ip: '10.0.0.10' }, 443)).toBe(false);
    expect(allowed(plan.policies, 'web', { ip: '198.51.100.10' }, 443)).toBe(true);
    expect(allowed(plan.policies, 'web', { ip: '198.51.100.10' }, 80)).toBe(false);
  });

  it('reports what it cannot allow: unknown API server, unknown DNS names, ICMP, unknown workloads', () => {
    const bare = generatePlan({
      inventory,
      edges: [...base, e('workload:shop/web', 'workload:shop/db', null, 'ICMP'), e('workload:shop/gone', 'workload:shop/db', 5432)],
    });
    const reasons = Object.fromEntries(bare.blocked.map((b) => [b.key, b.reason]));
    expect(reasons['workload:shop/web|reserved:kube-apiserver|TCP|443']).toBe('api-server-address-unknown');
    expect(reasons['workload:shop/web|external:api.stripe.com|TCP|443']).toBe('external-needs-cidr');
    expect(reasons['workload:shop/web|workload:shop/db|ICMP|']).toBe('unsupported-protocol');
    expect(reasons['workload:shop/gone|workload:shop/db|TCP|5432']).toBe('unknown-workload');
    expect(bare.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['api-server-address-unknown', 'external-needs-cidr']));
    const given = generatePlan({ inventory, edges: base, options: { apiServerCidrs: ['10.0.0.0/28'] } });
    expect(allowed(given.policies, 'web', { ip: '10.0.0.5' }, 6443)).toBe(true);
  });

  it('switches each breaker off on request, and says so', () => {
    const off = generatePlan({ ...input, options: { ingressControllers: false, prometheus: false, apiServer: false } });
    expect(names(off.policies).filter((n) => /to-backends|from-ingress|public-entry|prometheus|api-server/.test(n))).toEqual([]);
    expect(
      off.blocked
        .filter((b) => b.reason === 'switched-off')
        .map((b) => b.key)
        .sort(),
    ).toEqual([
      'workload:ingress-nginx/controller|workload:shop/web|TCP|8080',
      'workload:monitoring/prometheus|workload:shop/web|TCP|9100',
      'workload:shop/web|reserved:kube-apiserver|TCP|443',
    ]);
    expect(allowed(off.policies, 'prometheus', 'web', 9100)).toBe(false);
    const noDns = generatePlan({ ...input, options: { dns: false } });
    expect(names(noDns.policies).filter((n) => n.includes('dns'))).toEqual([]);
    expect(allowed(noDns.policies, 'web', 'coredns', 53, 'UDP')).toBe(false);
    expect(noDns.findings.some((f) => f.rule === 'default-deny-egress-without-dns')).toBe(true);
  });

  it('keeps DNS for every pod even when a DNS edge is rejected, and says so', () => {
    const rejected = generatePlan({ ...input, edges: base.map((x) => (x.port === 53 ? { ...x, review: 'rejected' as const } : x)) });
    expect(allowed(rejected.policies, 'web', 'coredns', 53, 'UDP')).toBe(true);
    expect(rejected.findings.some((f) => f.rule === 'rejected-dns-edge')).toBe(true);
  });

  it('checks the CNI', () => {
    expect(generatePlan({ ...input, cni: 'flannel' }).findings[0]).toMatchObject({ rule: 'cni-not-enforcing', severity: 'error' });
  });

  it('merges duplicate edges and keeps the widest evidence', () => {
    const twice = generatePlan({
      ...input,
      edges: [
        ...base,
        e('workload:shop/web', 'workload:shop/db', 5432, 'tcp', { connections: 7, firstSeen: '2026-10-01T00:00:00.000Z', lastSeen: null }),
      ],
    });
    const ev = twice.evidence.find((x) => x.policy === 'shop/bulkhead-db-ingress')!;
    expect(ev.edges).toEqual([
      {
        key: 'workload:shop/web|workload:shop/db|TCP|5432',
        connections: 12,
        firstSeen: '2026-10-01T00:00:00.000Z',
        lastSeen: '2026-11-05T00:00:00.000Z',
      },
    ]);
  });

  it('flags under-observed workloads: seen once, seen in a short window, never seen', () => {
    const observed = generatePlan({
      inventory,
      edges: [
        e('workload:shop/web', 'workload:shop/db', 5432, 'TCP', {
          connections: 1,
          firstSeen: '2026-11-01T00:00:00.000Z',
          lastSeen: '2026-11-01T00:00:00.000Z',
        }),
        e('workload:monitoring/prometheus', 'workload:ingress-nginx/controller', 443, 'TCP', {
          connections: 9,
          firstSeen: '2026-11-01T00:00:00.000Z',
          lastSeen: '2026-11-01T02:00:00.000Z',
        }),
      ],
    });
    const kinds = Object.fromEntries(observed.risks.map((r) => [r.workload, r.kind]));
    expect(kinds).toEqual({
      'shop/web': 'seen-once',
      'shop/db': 'seen-once',
      'monitoring/prometheus': 'short-window',
      'ingress-nginx/controller': 'short-window',
      'kube-system/coredns': 'never-observed',
    });
    const shop = observed.observation.find((o) => o.namespace === 'shop')!;
    expect(shop).toMatchObject({ tier: 'prod', edges: 1, connections: 1, spanHours: 0, workloads: 2, unobservedWorkloads: [] });
  });
});
