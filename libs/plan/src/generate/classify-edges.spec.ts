// Edge classification, one edge per row: what the plan makes of it before any policy is drafted.
import { buildInventory, snapshotFromDocuments } from '@bulkhead/netpol';
import { pod } from '../../../../test/support/plan/pod-document';
import { normalizeEdges } from '../edges';
import type { PlanEdge, PlanInput, PlanOptions } from '../types';
import { classifyEdges } from './classify-edges';
import { scopeCluster } from './cluster-scope';
import { resolvePlanOptions } from './options';
import { identifyRoles } from './roles';

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
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lab', labels: { environment: 'development' } } },
        pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, [{ containerPort: 53, protocol: 'UDP' }], '10.0.0.2'),
        pod('ingress-nginx', 'controller', { 'app.kubernetes.io/name': 'ingress-nginx' }, [{ containerPort: 443 }], '10.0.3.1'),
        pod('monitoring', 'prometheus', { 'app.kubernetes.io/name': 'prometheus' }, [{ containerPort: 9090 }], '10.0.4.1'),
        pod('shop', 'web', { app: 'web' }, [{ containerPort: 8080 }], '10.0.1.1'),
        pod('shop', 'db', { app: 'db' }, [{ containerPort: 5432 }], '10.0.1.2'),
        pod('lab', 'tester', { app: 'tester' }, [], '10.0.2.1'),
      ],
    },
  ]),
);

function classifyOne(edge: Partial<PlanEdge> & Pick<PlanEdge, 'src' | 'dst'>, given: Partial<PlanInput> = {}, options: PlanOptions = {}) {
  const input: PlanInput = { inventory, edges: [{ port: 443, protocol: 'TCP', connections: 3, ...edge }], ...given, options };
  const resolved = resolvePlanOptions(input);
  const classified = classifyEdges(normalizeEdges(input.edges), {
    scope: scopeCluster(input),
    roles: identifyRoles(input, resolved),
    options: resolved,
    externalAddresses: input.externalAddresses ?? {},
  });
  const allowed = classified.allowed.map((a) =>
    a.kind === 'between-workloads' || a.kind === 'from-external' ? `${a.kind}:${a.purpose}` : a.kind,
  );
  return [...allowed, ...classified.blocked.map((b) => `blocked:${b.reason}`), ...classified.ignored.map((i) => `ignored:${i.reason}`)];
}

describe('classifyEdges', () => {
  it.each([
    [
      'a rejected edge',
      { src: 'workload:shop/web', dst: 'workload:shop/db', port: 5432, review: 'rejected' as const },
      {},
      {},
      'blocked:rejected',
    ],
    ['ICMP', { src: 'workload:shop/web', dst: 'workload:shop/db', port: null, protocol: 'ICMP' }, {}, {}, 'blocked:unsupported-protocol'],
    [
      'a workload not in the inventory',
      { src: 'workload:shop/gone', dst: 'workload:shop/db', port: 5432 },
      {},
      {},
      'blocked:unknown-workload',
    ],
    ['a kubelet probe from the node', { src: 'reserved:host', dst: 'workload:shop/web', port: 8080 }, {}, {}, 'ignored:node-traffic'],
    ['traffic to the node', { src: 'workload:shop/web', dst: 'reserved:host', port: 10250 }, {}, {}, 'blocked:node-traffic'],
    [
      'the API server at no known address',
      { src: 'workload:shop/web', dst: 'reserved:kube-apiserver' },
      {},
      {},
      'blocked:api-server-address-unknown',
    ],
    [
      'the API server',
      { src: 'workload:shop/web', dst: 'reserved:kube-apiserver' },
      { apiServerAddresses: ['10.0.0.10'] },
      {},
      'to-api-server',
    ],
    [
      'the API server, switched off',
      { src: 'workload:shop/web', dst: 'reserved:kube-apiserver' },
      { apiServerAddresses: ['10.0.0.10'] },
      { apiServer: false },
      'blocked:switched-off',
    ],
    ['a DNS query', { src: 'workload:shop/web', dst: 'workload:kube-system/coredns', port: 53, protocol: 'UDP' }, {}, {}, 'dns-query'],
    [
      'a DNS query, DNS switched off',
      { src: 'workload:shop/web', dst: 'workload:kube-system/coredns', port: 53, protocol: 'UDP' },
      {},
      { dns: false },
      'blocked:switched-off',
    ],
    [
      'an ingress controller to its backend',
      { src: 'workload:ingress-nginx/controller', dst: 'workload:shop/web', port: 8080 },
      {},
      {},
      'between-workloads:ingress-controller',
    ],
    ['a scrape', { src: 'workload:monitoring/prometheus', dst: 'workload:shop/web', port: 8080 }, {}, {}, 'between-workloads:prometheus'],
    ['a dependency', { src: 'workload:shop/web', dst: 'workload:shop/db', port: 5432 }, {}, {}, 'between-workloads:dependency'],
    [
      'dev to prod, unconfirmed',
      { src: 'workload:lab/tester', dst: 'workload:shop/db', port: 5432 },
      {},
      {},
      'blocked:cross-tier-unconfirmed',
    ],
    [
      'dev to prod, confirmed',
      { src: 'workload:lab/tester', dst: 'workload:shop/db', port: 5432, review: 'confirmed' as const },
      {},
      {},
      'between-workloads:dependency',
    ],
    ['a DNS name with no address', { src: 'workload:shop/web', dst: 'external:api.stripe.com' }, {}, {}, 'blocked:external-needs-cidr'],
    [
      'a DNS name with its address',
      { src: 'workload:shop/web', dst: 'external:api.stripe.com' },
      { externalAddresses: { 'api.stripe.com': ['198.51.100.10'] } },
      {},
      'to-external',
    ],
    [
      'the cluster DNS to its upstream',
      { src: 'workload:kube-system/coredns', dst: 'external:8.8.8.8/32', port: 53, protocol: 'UDP' },
      {},
      {},
      'upstream-dns',
    ],
    [
      'a client of the ingress controller',
      { src: 'external:203.0.113.9/32', dst: 'workload:ingress-nginx/controller' },
      {},
      {},
      'public-entry',
    ],
    [
      'a client of the ingress controller, not public',
      { src: 'external:203.0.113.9/32', dst: 'workload:ingress-nginx/controller' },
      {},
      { publicIngressToControllers: false },
      'from-external:public-entry',
    ],
    [
      'a client of a workload',
      { src: 'external:203.0.113.9/32', dst: 'workload:shop/web', port: 8080 },
      {},
      {},
      'from-external:dependency',
    ],
  ])('%s', (_scenario, edge, given, options, expected) => {
    expect(classifyOne(edge, given, options)).toEqual([expected]);
  });
});
