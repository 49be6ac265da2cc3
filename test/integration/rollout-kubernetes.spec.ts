import { KubernetesDriver, PROBE_LABEL, probePodName } from '@bulkhead/cluster';
import { BullJobQueue } from '@bulkhead/jobs';
import { type FakeKubeApiServer, probeTargetOf, RESOURCES, startFakeKubeApiServer } from '../support/fake-kube-apiserver';
import { type Harness, startApi, untieredExclusions } from './support/harness';

/**
 * A cluster of driver `kubernetes`, end to end: the real API and worker on the real PostgreSQL and Redis,
 * reaching a fake Kubernetes API server through the kubeconfig they were given. The sync reads the
 * cluster and replaces the inventory; a rollout applies the plan by server-side apply, proves each
 * namespace with probe pods, and restores a namespace byte for byte when a probe fails there.
 */

const ENVS = [
  { tier: 'dev', label: 'dev', net: 1 },
  { tier: 'staging', label: 'staging', net: 2 },
  { tier: 'prod', label: 'production', net: 3 },
] as const;
type Env = (typeof ENVS)[number];

const ns = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const template = (labels: Record<string, string>, ports: Array<{ containerPort: number; protocol?: string }>) => ({
  metadata: { labels },
  spec: { containers: [{ name: 'main', image: 'app:1', ports }] },
});
const deployment = (
  namespace: string,
  name: string,
  ports: Array<{ containerPort: number; protocol?: string }>,
  labels: Record<string, string> = { app: name },
) => [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, uid: `uid-${namespace}-${name}` },
    spec: { selector: { matchLabels: labels }, template: template(labels, ports) },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${name}-6d4b75cb6d`,
      namespace,
      uid: `uid-${namespace}-${name}-rs`,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: `uid-${namespace}-${name}`, controller: true }],
    },
    spec: {
      selector: { matchLabels: { ...labels, 'pod-template-hash': '6d4b75cb6d' } },
      template: template({ ...labels, 'pod-template-hash': '6d4b75cb6d' }, ports),
    },
  },
];
const pod = (
  namespace: string,
  name: string,
  labels: Record<string, string>,
  ip: string,
  owner: { kind: string; name: string },
  ports: Array<{ containerPort: number; protocol?: string }>,
) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace,
    labels,
    ownerReferences: [{ apiVersion: 'apps/v1', ...owner, uid: `uid-${namespace}-${owner.name}`, controller: true }],
  },
  spec: { containers: [{ name: 'main', image: 'app:1', ports }] },
  status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: 'True' }] },
});
const daemonSet = (name: string, ip: string) => [
  {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'kube-system', uid: `uid-kube-system-${name}` },
    spec: { selector: { matchLabels: { 'k8s-app': name } }, template: template({ 'k8s-app': name }, []) },
  },
  pod('kube-system', `${name}-7xk2p`, { 'k8s-app': name }, ip, { kind: 'DaemonSet', name }, []),
];
/** The team's own policy, applied by kubectl long ago: what a restore must give back exactly. */
const legacyPolicy = (env: Env) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: {
    name: 'allow-web-to-orders',
    namespace: `shop-${env.tier}`,
    labels: { owner: 'team-shop' },
    annotations: { 'example.com/ticket': 'NET-1234', 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"NetworkPolicy"}\n' },
  },
  spec: {
    podSelector: { matchLabels: { app: 'orders' } },
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'web', environment: env.label } } }], ports: [{ port: 8080 }] }],
  },
});

const frontendLabels = { app: 'frontend', 'app.kubernetes.io/part-of': 'shop', 'pod-template-hash': '6d4b75cb6d' };
const ordersLabels = { app: 'orders', 'pod-template-hash': '6d4b75cb6d' };
const ip = (env: Env, host: number) => `10.244.${env.net}.${host}`;

/**
 * web-<tier>/frontend -> shop-<tier>/orders:8080 -> shop-<tier>/postgres:5432 in dev, staging and prod;
 * Calico and kube-proxy DaemonSets and CoreDNS in kube-system.
 */
function clusterSeed(): unknown[] {
  const items: unknown[] = [
    ns('kube-system'),
    ...daemonSet('calico-node', '192.168.0.10'),
    ...daemonSet('kube-proxy', '192.168.0.11'),
    ...deployment('kube-system', 'coredns', [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 53 }], { 'k8s-app': 'kube-dns' }),
    pod(
      'kube-system',
      'coredns-6d4b75cb6d-abcde',
      { 'k8s-app': 'kube-dns', 'pod-template-hash': '6d4b75cb6d' },
      '10.244.0.5',
      { kind: 'ReplicaSet', name: 'coredns-6d4b75cb6d' },
      [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 53 }],
    ),
  ];
  for (const env of ENVS) {
    const web = `web-${env.tier}`;
    const shop = `shop-${env.tier}`;
    items.push(
      ns(web, { environment: env.label, team: 'web' }),
      ns(shop, { environment: env.label, team: 'shop' }),
      ...deployment(web, 'frontend', [{ containerPort: 8080 }], { app: 'frontend', 'app.kubernetes.io/part-of': 'shop' }),
      pod(web, 'frontend-6d4b75cb6d-x2k4q', frontendLabels, ip(env, 10), { kind: 'ReplicaSet', name: 'frontend-6d4b75cb6d' }, [
        { containerPort: 8080 },
      ]),
      ...deployment(shop, 'orders', [{ containerPort: 8080 }]),
      pod(shop, 'orders-6d4b75cb6d-q8r7s', ordersLabels, ip(env, 20), { kind: 'ReplicaSet', name: 'orders-6d4b75cb6d' }, [
        { containerPort: 8080 },
      ]),
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'postgres', namespace: shop, uid: `uid-${shop}-postgres` },
        spec: { selector: { matchLabels: { app: 'postgres' } }, template: template({ app: 'postgres' }, [{ containerPort: 5432 }]) },
      },
      pod(shop, 'postgres-0', { app: 'postgres' }, ip(env, 30), { kind: 'StatefulSet', name: 'postgres' }, [{ containerPort: 5432 }]),
    );
    if (env.tier !== 'staging') items.push(legacyPolicy(env));
  }
  return items;
}

/** The dependency map as an edge list, all but prod's database edge, which a person declares. */
const EDGE_LIST = ENVS.flatMap((env) => [
  { from: `web-${env.tier}/frontend`, to: `shop-${env.tier}/orders`, port: 8080, protocol: 'TCP', count: 120 },
  ...(env.tier === 'prod'
    ? []
    : [{ from: `shop-${env.tier}/orders`, to: `shop-${env.tier}/postgres`, port: 5432, protocol: 'TCP', count: 40 }]),
])
  .map((e) => JSON.stringify(e))
  .join('\n');

const FAST = { waves: [1, 8], settleMs: 0, probe: { retries: 1, timeoutMs: 1000, retryDelayMs: 10 } };
const resource = (kind: string) => RESOURCES.find((r) => r.kind === kind)!;

let api: Harness;
beforeAll(async () => {
  api = await startApi({ BULKHEAD_CLUSTER_ALLOW_LOOPBACK: 'true' }, { worker: true });
}, 60000);
afterAll(() => api.close());

const rollout = async (id: string) => (await api.call('GET', `/api/v1/rollouts/${id}`, { role: 'viewer' })).body;
const until = (id: string, statuses: string[]) =>
  api.waitFor(
    () => rollout(id),
    (r) => statuses.includes(r.status) && !r.steps.some((s: any) => s.phase === 'restoring'),
    90000,
  );
const cluster = async (id: string) => (await api.call('GET', `/api/v1/clusters/${id}`, { role: 'viewer' })).body;
const probePodsLeft = (server: FakeKubeApiServer) =>
  server.store.list(resource('Pod')).filter((p) => p.metadata.labels?.[PROBE_LABEL] !== undefined);
/** The live policies of a namespace as the driver reads them (server-managed metadata stripped), in bytes. */
const liveBytes = async (server: FakeKubeApiServer, namespace: string) =>
  JSON.stringify(await new KubernetesDriver(server.kubeconfig(), { kubeconfigRules: api.config.clusters }).readPolicies(namespace));

/** Registers the fake cluster by its kubeconfig and syncs it; returns the cluster's id once the inventory is in. */
async function registerAndSync(server: FakeKubeApiServer, name: string): Promise<string> {
  const created = await api.call('POST', '/api/v1/clusters', {
    role: 'admin',
    body: { name, driver: 'kubernetes', kubeconfig: server.kubeconfig() },
  });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ driver: 'kubernetes', hasCredentials: true, cni: 'unknown' });
  expect(JSON.stringify(created.body)).not.toContain(server.token);
  expect((await api.call('POST', `/api/v1/clusters/${created.body.id}/sync`, { role: 'operator' })).status).toBe(202);
  await api.waitFor(
    () => cluster(created.body.id),
    (c) => c.counts.namespaces === 7,
    30000,
  );
  return created.body.id;
}

/** Imports the edge list and declares prod's database edge, so the plan allows every dependency. */
async function mapDependencies(clusterId: string): Promise<void> {
  const upload = await api.call('POST', `/api/v1/clusters/${clusterId}/flow-imports?fileName=edges.jsonl`, {
    role: 'operator',
    raw: EDGE_LIST,
    headers: { 'content-type': 'application/x-ndjson' },
  });
  expect(upload.status).toBe(202);
  const done = await api.waitFor(
    () => api.call('GET', `/api/v1/flow-imports/${upload.body.id}`, { role: 'viewer' }),
    (r) => r.body.status === 'succeeded' || r.body.status === 'failed',
  );
  expect(done.body).toMatchObject({ status: 'succeeded', format: 'edge-list', progress: { flowsAttributed: 5 } });
  const declared = await api.call('POST', `/api/v1/clusters/${clusterId}/edges`, {
    role: 'operator',
    body: {
      from: 'shop-prod/orders',
      to: 'shop-prod/postgres',
      port: 5432,
      protocol: 'TCP',
      comment: 'prod database, quiet during the capture',
    },
  });
  expect(declared.status).toBe(201);
}

describe('cluster sync through the Kubernetes driver', () => {
  let server: FakeKubeApiServer;
  let clusterId: string;
  beforeAll(async () => {
    server = await startFakeKubeApiServer({ seed: clusterSeed() });
  });
  afterAll(() => server.close());

  it('reads namespaces, workloads, pods and policies from the API server on the worker, and detects Calico', async () => {
    clusterId = await registerAndSync(server, 'kube-synced');
    const view = await cluster(clusterId);
    expect(view).toMatchObject({ driver: 'kubernetes', cni: 'calico', enforcesNetworkPolicy: true, hasCredentials: true });

    const namespaces = (await api.call('GET', `/api/v1/clusters/${clusterId}/namespaces`, { role: 'viewer' })).body;
    expect(namespaces.map((n: any) => [n.name, n.tier, n.counts])).toEqual([
      ['kube-system', null, { workloads: 3, pods: 3, policies: 0 }],
      ['shop-dev', 'dev', { workloads: 2, pods: 2, policies: 1 }],
      ['shop-prod', 'prod', { workloads: 2, pods: 2, policies: 1 }],
      ['shop-staging', 'staging', { workloads: 2, pods: 2, policies: 0 }],
      ['web-dev', 'dev', { workloads: 1, pods: 1, policies: 0 }],
      ['web-prod', 'prod', { workloads: 1, pods: 1, policies: 0 }],
      ['web-staging', 'staging', { workloads: 1, pods: 1, policies: 0 }],
    ]);
    expect(namespaces.find((n: any) => n.name === 'web-dev').labels).toEqual({
      environment: 'dev',
      team: 'web',
      'kubernetes.io/metadata.name': 'web-dev',
    });

    const workloads = (await api.call('GET', `/api/v1/clusters/${clusterId}/workloads?namespace=shop-dev`, { role: 'viewer' })).body;
    expect(workloads.map((w: any) => [w.kind, w.name, w.ports.map((p: any) => p.port), w.podCount])).toEqual([
      ['Deployment', 'orders', [8080], 1],
      ['StatefulSet', 'postgres', [5432], 1],
    ]);
    const system = (await api.call('GET', `/api/v1/clusters/${clusterId}/workloads?namespace=kube-system`, { role: 'viewer' })).body;
    expect(system.map((w: any) => `${w.kind}/${w.name}`).sort()).toEqual([
      'DaemonSet/calico-node',
      'DaemonSet/kube-proxy',
      'Deployment/coredns',
    ]);

    const policies = (await api.call('GET', `/api/v1/clusters/${clusterId}/policies`, { role: 'viewer' })).body;
    expect(policies.map((p: any) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual([
      'shop-dev/allow-web-to-orders',
      'shop-prod/allow-web-to-orders',
    ]);
    expect(policies[0].metadata.managedFields).toBeUndefined();
    expect(policies[0].spec.policyTypes).toEqual(['Ingress']); // as the API server defaulted it

    // It was all read through the API server, with the kubeconfig's token, by list calls.
    const reads = server.requests.map((r) => `${r.method} ${r.path}`);
    for (const path of [
      '/api/v1/namespaces',
      '/api/v1/pods',
      '/apis/apps/v1/deployments',
      '/apis/apps/v1/daemonsets',
      '/apis/networking.k8s.io/v1/networkpolicies',
    ])
      expect(reads).toContain(`GET ${path}`);
    expect(server.requests.every((r) => r.method === 'GET')).toBe(true);
  }, 60000);

  it('replaces the inventory on the next sync: what went is gone, what came is in, the CNI follows the DaemonSets', async () => {
    // The cluster changes under Bulkhead: Calico gives way to Cilium, web-staging goes, a batch namespace and a policy come.
    server.store.delete(resource('DaemonSet'), 'kube-system', 'calico-node');
    server.store.delete(resource('Pod'), 'kube-system', 'calico-node-7xk2p');
    for (const item of daemonSet('cilium', '192.168.0.12')) server.store.create(resource((item as any).kind), 'kube-system', item, 'helm');
    for (const item of server.store.list(resource('Pod'), 'web-staging'))
      server.store.delete(resource('Pod'), 'web-staging', item.metadata.name);
    // A probe pod a crashed worker left behind is Bulkhead's own, not the cluster's.
    server.store.create(
      resource('Pod'),
      'web-dev',
      {
        metadata: { name: probePodName('left-behind'), labels: { ...frontendLabels, [PROBE_LABEL]: 'left' } },
        spec: { containers: [{ name: 'probe', image: 'busybox:1.36' }] },
      },
      'bulkhead',
    );
    server.store.create(resource('Namespace'), undefined, ns('batch', { env: 'dev' }), 'kubectl-create');
    server.store.create(
      resource('CronJob'),
      'batch',
      {
        metadata: { name: 'nightly-report' },
        spec: { schedule: '0 2 * * *', jobTemplate: { spec: { template: template({ app: 'report' }, []) } } },
      },
      'kubectl-create',
    );
    server.store.create(
      resource('NetworkPolicy'),
      'web-dev',
      { metadata: { name: 'by-hand' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } },
      'kubectl-client-side-apply',
    );

    expect((await api.call('POST', `/api/v1/clusters/${clusterId}/sync`, { role: 'viewer' })).status).toBe(403);
    expect((await api.call('POST', `/api/v1/clusters/${clusterId}/sync`, { role: 'operator' })).status).toBe(202);
    const synced = await api.waitFor(
      () => cluster(clusterId),
      (c) => c.counts.namespaces === 8 && c.cni === 'cilium',
      30000,
    );
    expect(synced.enforcesNetworkPolicy).toBe(true);

    const namespaces = (await api.call('GET', `/api/v1/clusters/${clusterId}/namespaces`, { role: 'viewer' })).body;
    const byName = Object.fromEntries(namespaces.map((n: any) => [n.name, n]));
    expect(byName.batch).toMatchObject({ tier: 'dev', counts: { workloads: 1, pods: 0, policies: 0 } });
    expect(byName['web-staging'].counts.pods).toBe(0);
    expect(byName['web-dev'].counts).toEqual({ workloads: 1, pods: 1, policies: 1 });
    const system = (await api.call('GET', `/api/v1/clusters/${clusterId}/workloads?namespace=kube-system`, { role: 'viewer' })).body;
    expect(system.map((w: any) => `${w.kind}/${w.name}`).sort()).toEqual([
      'DaemonSet/cilium',
      'DaemonSet/kube-proxy',
      'Deployment/coredns',
    ]);
    const policies = (await api.call('GET', `/api/v1/clusters/${clusterId}/policies`, { role: 'viewer' })).body;
    expect(policies.map((p: any) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual([
      'shop-dev/allow-web-to-orders',
      'shop-prod/allow-web-to-orders',
      'web-dev/by-hand',
    ]);
  }, 60000);

  it('never shows the kubeconfig: not in the cluster views, not in the audit log', async () => {
    for (const path of ['/api/v1/clusters', `/api/v1/clusters/${clusterId}`, `/api/v1/audit?clusterId=${clusterId}`]) {
      const text = JSON.stringify((await api.call('GET', path, { role: 'admin' })).body);
      expect(text).not.toContain(server.token);
      expect(text).not.toContain('current-context');
    }
    const audit = (await api.call('GET', `/api/v1/audit?clusterId=${clusterId}&action=inventory.sync_requested`, { role: 'viewer' })).body
      .items;
    expect(audit).toHaveLength(2);
  });
});

describe('a staged rollout on a Kubernetes cluster', () => {
  let server: FakeKubeApiServer;
  let clusterId: string;
  let plan: any;
  let done: any;
  let before: Record<string, string>;
  beforeAll(async () => {
    server = await startFakeKubeApiServer({ seed: clusterSeed() });
    clusterId = await registerAndSync(server, 'kube-rollout');
    await mapDependencies(clusterId);
  }, 60000);
  afterAll(() => server.close());

  it('applies dev, staging and prod after approvals, verifying every namespace by probe pods', async () => {
    plan = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body;
    expect(Object.keys(plan.byNamespace)).toEqual(
      expect.arrayContaining(['web-dev', 'shop-dev', 'web-staging', 'shop-staging', 'web-prod', 'shop-prod']),
    );
    before = Object.fromEntries(await Promise.all(['kube-system', 'shop-prod'].map(async (n) => [n, await liveBytes(server, n)])));
    server.requests.length = 0;

    const created = await api.call('POST', '/api/v1/rollouts', {
      role: 'operator',
      body: { planId: plan.id, exclude: await untieredExclusions(api, plan.id), start: true, config: FAST },
    });
    expect(created.status).toBe(201);
    for (const tier of ['staging', 'prod']) {
      const waiting = await until(created.body.id, ['waiting_approval', 'halted', 'completed']);
      expect(waiting.status).toBe('waiting_approval');
      const inbox = (await api.call('GET', '/api/v1/approvals', { role: 'approver' })).body;
      expect(inbox).toContainEqual(expect.objectContaining({ rolloutId: created.body.id, tier }));
      expect(
        (
          await api.call('POST', `/api/v1/rollouts/${created.body.id}/approve`, {
            role: 'approver',
            body: { tier, comment: 'probes green' },
          })
        ).status,
      ).toBe(200);
    }
    done = await until(created.body.id, ['completed', 'halted']);
    expect(done.halt ?? null).toBeNull();
    expect(done.status).toBe('completed');
    expect(done.steps.map((s: any) => s.namespace).sort()).toEqual([
      'shop-dev',
      'shop-prod',
      'shop-staging',
      'web-dev',
      'web-prod',
      'web-staging',
    ]);
    expect(done.steps.every((s: any) => s.phase === 'verified')).toBe(true);
    expect(JSON.stringify(done)).not.toContain(server.token);
    const probes = done.steps.flatMap((s: any) => s.probes);
    expect(probes.every((p: any) => p.outcome === 'passed')).toBe(true);
    for (const kind of ['must-connect', 'must-resolve', 'must-be-blocked']) expect(probes.some((p: any) => p.kind === kind)).toBe(true);
    expect(probes.map((p: any) => p.id)).toContain('must-connect:shop-prod/orders->shop-prod/postgres:5432/TCP'); // the declared edge
    const blocked = probes.find((p: any) => p.kind === 'must-be-blocked');
    expect(blocked.attempts[0].detail).toContain('Connection timed out');
  }, 180000);

  it("leaves exactly the plan's policies on the API server, written by server-side apply under Bulkhead's field manager", async () => {
    const policies = server.store.list(resource('NetworkPolicy'));
    const live = policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort();
    const planned = Object.entries(plan.byNamespace as Record<string, string[]>)
      .filter(([namespace]) => done.steps.some((s: any) => s.namespace === namespace))
      .flatMap(([namespace, names]) => names.map((name) => `${namespace}/${name}`))
      .sort();
    expect(live).toEqual(planned); // the legacy policies are gone: the plan's policies are the namespace's only ones
    for (const policy of policies) {
      const wanted = plan.policies.find(
        (p: any) => p.metadata.namespace === policy.metadata.namespace && p.metadata.name === policy.metadata.name,
      );
      expect(policy.spec).toEqual(wanted.spec);
      expect(policy.metadata.labels).toEqual(wanted.metadata.labels);
      expect(policy.metadata.labels['app.kubernetes.io/managed-by']).toBe('bulkhead');
      expect(policy.metadata.managedFields.map((m: any) => `${m.manager}:${m.operation}`)).toEqual(['bulkhead:Apply']);
    }
    // Every write was an apply of a planned policy, or the delete of a policy the plan replaces (a replayed job may repeat one).
    const writes = server.requests.filter((r) => r.path.includes('/networkpolicies') && r.method !== 'GET');
    const patches = writes.filter((r) => r.method === 'PATCH');
    const path = (namespaced: string) => `/apis/networking.k8s.io/v1/namespaces/${namespaced.replace('/', '/networkpolicies/')}`;
    expect([...new Set(patches.map((r) => r.path))].sort()).toEqual(planned.map(path).sort());
    for (const patch of patches) {
      expect(patch.contentType).toBe('application/apply-patch+yaml');
      expect(patch.query).toEqual({ fieldManager: 'bulkhead', force: 'true' });
    }
    expect([...new Set(writes.filter((r) => r.method !== 'PATCH').map((r) => `${r.method} ${r.path}`))]).toEqual(
      ['shop-dev', 'shop-prod'].map((n) => `DELETE ${path(`${n}/allow-web-to-orders`)}`),
    );
    expect(await liveBytes(server, 'kube-system')).toBe(before['kube-system']);
  });

  it("probed from short-lived pods carrying the source workload's labels, and deleted every one", async () => {
    const seeded = new Map(
      clusterSeed()
        .filter((i: any) => i.kind === 'Pod')
        .map((p: any) => [`${p.metadata.namespace}/${p.metadata.ownerReferences[0].name.replace(/-6d4b75cb6d$/, '')}`, p.metadata.labels]),
    );
    const posted = new Map(
      server.requests
        .filter((r) => r.method === 'POST' && /^\/api\/v1\/namespaces\/[^/]+\/pods$/.test(r.path))
        .map((r) => [JSON.parse(r.body as string).metadata.name, { path: r.path, pod: JSON.parse(r.body as string) }]),
    );
    let attempts = 0;
    for (const step of done.steps) {
      for (const probe of step.probes) {
        for (const attempt of probe.attempts) {
          attempts++;
          const created = posted.get(probePodName(`${step.id}.${probe.id}.${attempt.attempt}`));
          const [namespace] = probe.from.split('/');
          expect(created?.path).toBe(`/api/v1/namespaces/${namespace}/pods`);
          const { [PROBE_LABEL]: hash, ...labels } = created?.pod.metadata.labels ?? {};
          expect(hash).toMatch(/^[0-9a-f]{20}$/);
          expect(labels).toEqual(seeded.get(probe.from));
          expect(created?.pod.spec.restartPolicy).toBe('Never');
          if (probe.kind === 'must-resolve') expect(created?.pod.spec.containers[0].command).toEqual(['nslookup', probe.to]);
          else expect(created?.pod.spec.containers[0].command.slice(0, 2)).toEqual(['nc', '-z']);
        }
      }
    }
    expect(posted.size).toBe(attempts);
    expect(new Set(server.createdPods).size).toBe(attempts);
    expect(probePodsLeft(server)).toEqual([]);
    const deleted = new Set(
      server.requests.filter((r) => r.method === 'DELETE' && r.path.includes('/pods/')).map((r) => r.path.split('/').pop()),
    );
    for (const name of posted.keys()) expect(deleted).toContain(name);
  });

  it('audits each apply with the policies before and after', async () => {
    const audit = (
      await api.call('GET', `/api/v1/audit?clusterId=${clusterId}&action=rollout.step.policies_applied&limit=500`, { role: 'viewer' })
    ).body.items;
    const mine = audit.filter((e: any) => e.details.rolloutId === done.id);
    expect(mine.map((e: any) => e.target).sort()).toEqual(done.steps.map((s: any) => s.namespace).sort());
    for (const entry of mine)
      expect(entry.after.map((p: any) => p.metadata.name).sort()).toEqual([...plan.byNamespace[entry.target]].sort());
    const prod = mine.find((e: any) => e.target === 'shop-prod');
    expect(prod.before).toEqual(JSON.parse(before['shop-prod']!)); // stored as jsonb: the same document, keys reordered
    expect(JSON.stringify(audit)).not.toContain(server.token);
  });
});

describe('a probe that fails on a Kubernetes cluster', () => {
  let server: FakeKubeApiServer;
  let clusterId: string;
  beforeAll(async () => {
    server = await startFakeKubeApiServer({ seed: clusterSeed() });
    clusterId = await registerAndSync(server, 'kube-firewalled');
    await mapDependencies(clusterId);
  }, 60000);
  afterAll(() => server.close());

  it('restores the namespace byte for byte to its earlier policies and halts naming the probe', async () => {
    const postgres = ip(ENVS[0], 30);
    // Something outside NetworkPolicy (a node firewall, say) drops dev's database traffic: those probe pods exit 1.
    server.setProbeBehaviour((p) => {
      const target = probeTargetOf(p);
      return target.kind === 'connect' && target.host === postgres && target.port === 5432 ? 'fail' : 'enforce';
    });
    const plan = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body;
    const shopDevBefore = await liveBytes(server, 'shop-dev');
    const shopDevObjects = server.store
      .list(resource('NetworkPolicy'), 'shop-dev')
      .map((p) => ({ labels: p.metadata.labels, annotations: p.metadata.annotations, spec: p.spec }));
    expect(JSON.parse(shopDevBefore).map((p: any) => p.metadata.name)).toEqual(['allow-web-to-orders']);

    const created = await api.call('POST', '/api/v1/rollouts', {
      role: 'operator',
      body: { planId: plan.id, exclude: await untieredExclusions(api, plan.id), start: true, config: FAST },
    });
    expect(created.status).toBe(201);
    const halted = await until(created.body.id, ['halted', 'waiting_approval', 'completed']);
    expect(halted.status).toBe('halted');
    expect(halted.halt.code).toBe('probe_failed');
    const probeId = 'must-connect:shop-dev/orders->shop-dev/postgres:5432/TCP';
    expect(halted.halt.probeId).toBe(probeId);
    expect(halted.halt.message).toContain(`probe ${probeId}`);
    expect(halted.halt.message).toContain(`nc: ${postgres} (${postgres}:5432): Connection timed out`);
    expect(halted.halt.message).toContain('shop-dev is restored');

    const step = halted.steps.find((s: any) => s.namespace === 'shop-dev');
    expect(step.phase).toBe('restored');
    const probe = step.probes.find((p: any) => p.id === probeId);
    expect(probe).toMatchObject({ outcome: 'failed' });
    expect(probe.attempts.map((a: any) => a.observed)).toEqual(['not_reached', 'not_reached']);

    // The snapshot the step took is what was there; the API server holds it again, byte for byte.
    expect(step.snapshot.policies).toEqual(JSON.parse(shopDevBefore));
    expect(await liveBytes(server, 'shop-dev')).toBe(shopDevBefore);
    expect(
      server.store
        .list(resource('NetworkPolicy'), 'shop-dev')
        .map((p) => ({ labels: p.metadata.labels, annotations: p.metadata.annotations, spec: p.spec })),
    ).toEqual(shopDevObjects);
    // web-dev went first and stays verified; nothing beyond dev was touched.
    expect(halted.steps.find((s: any) => s.namespace === 'web-dev').phase).toBe('verified');
    expect(
      server.store
        .list(resource('NetworkPolicy'), 'web-dev')
        .map((p) => p.metadata.name)
        .sort(),
    ).toEqual([...plan.byNamespace['web-dev']].sort());
    for (const namespace of ['web-staging', 'shop-staging', 'web-prod']) expect(await liveBytes(server, namespace)).toBe('[]');
    expect(probePodsLeft(server)).toEqual([]);

    const restored = (
      await api.call('GET', `/api/v1/audit?clusterId=${clusterId}&action=rollout.step.policies_restored`, { role: 'viewer' })
    ).body.items;
    expect(restored).toEqual([expect.objectContaining({ target: 'shop-dev' })]);
    expect(restored[0].after).toEqual(JSON.parse(shopDevBefore));
  }, 120000);

  it('sweeps the probe pods a failed delete or a dead worker left behind, once they are older than any probe', async () => {
    const [rollout] = (await api.call('GET', `/api/v1/rollouts?clusterId=${clusterId}`, { role: 'viewer' })).body.items;
    expect(rollout.status).toBe('halted'); // still holding the cluster: the reconciler looks at it
    const leftover = (name: string, ageMs: number) =>
      server.store.create(resource('Pod'), 'shop-dev', {
        metadata: {
          name: probePodName(name),
          labels: { [PROBE_LABEL]: name },
          creationTimestamp: new Date(Date.now() - ageMs).toISOString(),
        },
        spec: { containers: [{ name: 'probe', image: 'busybox:1.36' }] },
      });
    leftover('old', 3_600_000);
    leftover('running', 1_000);
    await new BullJobQueue(api.runtime.queues).enqueue('rollout.reconcile', { v: 1 });
    await api.waitFor(
      async () => probePodsLeft(server).map((p) => p.metadata.name),
      (names) => !names.includes(probePodName('old')),
      30000,
    );
    expect(probePodsLeft(server).map((p) => p.metadata.name)).toEqual([probePodName('running')]);
  }, 60000);
});
