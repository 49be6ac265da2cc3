import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildInventory, type NetworkPolicy, snapshotFromDocuments } from '@bulkhead/netpol';
import { KubernetesDriver, PROBE_LABEL, probePodName } from '../../libs/cluster/src/kubernetes';
import type { ConnectivityProbe } from '@bulkhead/rollout';
import { type FakeKubeApiServer, startFakeKubeApiServer } from '../support/fake-kube-apiserver';
import { only } from '../support/only';

/**
 * The Kubernetes driver against a fake API server that speaks the real REST paths and decides probe
 * pods' exit codes with the NetworkPolicy engine, as an enforcing CNI would.
 */

const ready = [{ type: 'Ready', status: 'True' }];
const ns = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const daemonSet = (name: string, namespace = 'kube-system') => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name, namespace },
  spec: {
    selector: { matchLabels: { 'k8s-app': name } },
    template: { metadata: { labels: { 'k8s-app': name } }, spec: { containers: [{ name, image: name }] } },
  },
});
const pod = (
  namespace: string,
  name: string,
  labels: Record<string, string>,
  ip: string,
  owner?: { kind: string; name: string },
  ports: Array<{ containerPort: number; protocol?: string }> = [],
) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace,
    labels,
    ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', ...owner, uid: `uid-${owner.name}`, controller: true }] } : {}),
  },
  spec: { containers: [{ name: 'main', image: 'app', ports }] },
  status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: ready },
});
const policy = (namespace: string, name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): NetworkPolicy =>
  ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace, ...metadata },
    spec,
  }) as unknown as NetworkPolicy;

/** web/frontend -> shop/orders (8080) -> shop/postgres (5432); kube-dns in kube-system; Calico. */
const SEED = [
  ns('web', { tier: 'edge' }),
  ns('shop', { tier: 'core' }),
  ns('kube-system'),
  daemonSet('calico-node'),
  pod('kube-system', 'calico-node-7xk2p', { 'k8s-app': 'calico-node' }, '192.168.0.10', { kind: 'DaemonSet', name: 'calico-node' }),
  pod(
    'kube-system',
    'coredns-5d78c9869d-abcde',
    { 'k8s-app': 'kube-dns', 'pod-template-hash': '5d78c9869d' },
    '10.244.0.5',
    { kind: 'ReplicaSet', name: 'coredns-5d78c9869d' },
    [{ containerPort: 53, protocol: 'UDP' }],
  ),
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'frontend', namespace: 'web' },
    spec: {
      selector: { matchLabels: { app: 'frontend' } },
      template: { metadata: { labels: { app: 'frontend' } }, spec: { containers: [{ name: 'web', image: 'web' }] } },
    },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: 'frontend-7c9d8f6b5',
      namespace: 'web',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'frontend', uid: 'uid-frontend', controller: true }],
    },
    spec: {
      selector: { matchLabels: { app: 'frontend' } },
      template: { metadata: { labels: { app: 'frontend' } }, spec: { containers: [{ name: 'web', image: 'web' }] } },
    },
  },
  pod(
    'web',
    'frontend-7c9d8f6b5-x2k4q',
    { app: 'frontend', 'pod-template-hash': '7c9d8f6b5' },
    '10.244.1.10',
    { kind: 'ReplicaSet', name: 'frontend-7c9d8f6b5' },
    [{ containerPort: 8080 }],
  ),
  pod(
    'shop',
    'orders-5f6d7c8b9-abcde',
    { app: 'orders', 'pod-template-hash': '5f6d7c8b9' },
    '10.244.2.20',
    { kind: 'ReplicaSet', name: 'orders-5f6d7c8b9' },
    [{ containerPort: 8080 }],
  ),
  pod('shop', 'postgres-0', { app: 'postgres' }, '10.244.3.30', { kind: 'StatefulSet', name: 'postgres' }, [{ containerPort: 5432 }]),
  policy(
    'shop',
    'allow-web-to-orders',
    {
      podSelector: { matchLabels: { app: 'orders' } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { tier: 'edge' } } }], ports: [{ port: 8080 }] }],
    },
    { labels: { owner: 'team-shop' }, annotations: { 'example.com/ticket': 'NET-1' } },
  ),
];

const defaultDeny = (namespace: string) =>
  policy(
    namespace,
    'bulkhead-default-deny',
    { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    { labels: { 'app.kubernetes.io/managed-by': 'bulkhead' } },
  );
const probeReq = (
  id: string,
  from: [string, string],
  to: ConnectivityProbe['to'],
  port = 8080,
  protocol: ConnectivityProbe['protocol'] = 'TCP',
): ConnectivityProbe => ({
  id,
  attempt: 1,
  from: { namespace: from[0], workload: from[1] },
  to,
  port,
  protocol,
  timeoutMs: 1000,
});

let server: FakeKubeApiServer;
let driver: KubernetesDriver;
/** The fake API server listens on 127.0.0.1, a loopback address the driver refuses unless told otherwise. */
const onLoopback = { kubeconfigRules: { allowHostCredentials: false, allowLoopback: true } };
const fast = { ...onLoopback, pollIntervalMs: 10, probeStartTimeoutMs: 2000 };

beforeEach(async () => {
  server = await startFakeKubeApiServer({ seed: SEED, probeDelayMs: 20 });
  driver = new KubernetesDriver(server.kubeconfig(), fast);
});
afterEach(async () => {
  await server.close();
});

const npType = {
  resource: 'networkpolicies',
  kind: 'NetworkPolicy',
  apiVersion: 'networking.k8s.io/v1',
  prefix: '/apis/networking.k8s.io/v1',
  namespaced: true,
};
const probePodsLeft = () =>
  server.store
    .list({ resource: 'pods', kind: 'Pod', apiVersion: 'v1', prefix: '/api/v1', namespaced: true })
    .filter((p) => p.metadata.labels?.[PROBE_LABEL] !== undefined);

describe('discover', () => {
  it('lists every kind across namespaces as a v1 List the engine reads, and detects Calico', async () => {
    const { cni, snapshot } = await driver.discover();
    expect(cni).toBe('calico');
    expect(snapshot.kind).toBe('List');
    const kinds = (snapshot.items as any[]).map((i) => `${i.apiVersion} ${i.kind} ${i.metadata.namespace ?? ''}/${i.metadata.name}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'v1 Namespace /shop',
        'apps/v1 Deployment web/frontend',
        'apps/v1 ReplicaSet web/frontend-7c9d8f6b5',
        'apps/v1 DaemonSet kube-system/calico-node',
        'v1 Pod shop/postgres-0',
        'networking.k8s.io/v1 NetworkPolicy shop/allow-web-to-orders',
      ]),
    );
    expect((snapshot.items as any[]).every((i) => i.metadata.managedFields === undefined)).toBe(true);
    const inventory = buildInventory(snapshotFromDocuments([snapshot]));
    expect(inventory.workloads.map((w) => `${w.namespace}/${w.kind}/${w.name}`)).toEqual(
      expect.arrayContaining(['web/Deployment/frontend', 'shop/StatefulSet/postgres']),
    );
    const paths = new Set(server.requests.map((r) => `${r.method} ${r.path}`));
    for (const path of [
      '/api/v1/namespaces',
      '/api/v1/pods',
      '/apis/apps/v1/deployments',
      '/apis/apps/v1/statefulsets',
      '/apis/apps/v1/daemonsets',
      '/apis/apps/v1/replicasets',
      '/apis/batch/v1/jobs',
      '/apis/batch/v1/cronjobs',
      '/apis/networking.k8s.io/v1/networkpolicies',
    ]) {
      expect(paths).toContain(`GET ${path}`);
    }
  });

  it('follows list pages (limit / continue)', async () => {
    const paged = new KubernetesDriver(server.kubeconfig(), { ...fast, listPageSize: 2 });
    const { snapshot } = await paged.discover();
    expect((snapshot.items as any[]).filter((i) => i.kind === 'Pod')).toHaveLength(5);
    expect(server.requests.some((r) => r.path === '/api/v1/pods' && r.query.continue)).toBe(true);
  });

  it('lists the nodes from /api/v1/nodes: their addresses, and the host-network pods on them, join the inventory', async () => {
    const node = (name: string, addresses: Array<{ type: string; address: string }>) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name } },
      status: { addresses: [...addresses, { type: 'Hostname', address: name }] },
    });
    const agent = pod('kube-system', 'hubble-relay-node-1', { 'k8s-app': 'hubble' }, '172.18.0.11');
    const withNodes = await startFakeKubeApiServer({
      seed: [
        ns('kube-system'),
        node('node-1', [
          { type: 'InternalIP', address: '172.18.0.11' },
          { type: 'ExternalIP', address: '203.0.113.11' },
        ]),
        { ...agent, spec: { ...agent.spec, hostNetwork: true, nodeName: 'node-1' } },
        {
          ...agent,
          metadata: { ...agent.metadata, name: 'node-exporter-node-2' },
          spec: { ...agent.spec, hostNetwork: true, nodeName: 'node-2' },
          status: { ...agent.status, podIP: '172.18.0.12', podIPs: [{ ip: '172.18.0.12' }] },
        },
      ],
    });
    try {
      const { snapshot } = await new KubernetesDriver(withNodes.kubeconfig(), onLoopback).discover();
      expect(withNodes.requests.map((r) => `${r.method} ${r.path}`)).toContain('GET /api/v1/nodes');
      expect(buildInventory(snapshotFromDocuments([snapshot])).nodes).toEqual([
        {
          name: 'node-1',
          labels: { 'kubernetes.io/hostname': 'node-1' },
          addresses: [
            { type: 'InternalIP', address: '172.18.0.11' },
            { type: 'ExternalIP', address: '203.0.113.11' },
          ],
        },
        { name: 'node-2', labels: {}, addresses: [{ type: 'InternalIP', address: '172.18.0.12' }], implicit: true },
      ]);
    } finally {
      await withNodes.close();
    }
  });

  it.each([
    [['cilium', 'cilium-envoy'], 'cilium'],
    [['kube-flannel-ds'], 'flannel'],
    [['canal'], 'canal'],
    [['calico-node', 'kube-flannel-ds'], 'canal'],
    [['kube-proxy'], 'unknown'],
  ])('detects the CNI from kube-system DaemonSets %j -> %s', async (names, cni) => {
    const other = await startFakeKubeApiServer({ seed: [ns('kube-system'), ...names.map((n) => daemonSet(n))] });
    try {
      expect((await new KubernetesDriver(other.kubeconfig(), onLoopback).discover()).cni).toBe(cni);
    } finally {
      await other.close();
    }
  });
});

describe('policies', () => {
  it("reads a namespace's policies without server-managed metadata", async () => {
    const read = only(await driver.readPolicies('shop'));
    expect(read.metadata).toEqual({
      name: 'allow-web-to-orders',
      namespace: 'shop',
      labels: { owner: 'team-shop' },
      annotations: { 'example.com/ticket': 'NET-1' },
    });
    expect(read.spec.policyTypes).toEqual(['Ingress']); // the API server's defaulting
  });

  it('applies with server-side apply: PATCH application/apply-patch+yaml, fieldManager=bulkhead, force=true', async () => {
    await driver.applyPolicies('shop', [defaultDeny('shop')]);
    const patch = only(server.requests.filter((r) => r.method === 'PATCH'));
    expect(patch.path).toBe('/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/bulkhead-default-deny');
    expect(patch.contentType).toBe('application/apply-patch+yaml');
    expect(patch.query).toEqual({ fieldManager: 'bulkhead', force: 'true' });
    const live = server.store.find(
      {
        resource: 'networkpolicies',
        kind: 'NetworkPolicy',
        apiVersion: 'networking.k8s.io/v1',
        prefix: '/apis/networking.k8s.io/v1',
        namespaced: true,
      },
      'shop',
      'bulkhead-default-deny',
    );
    expect(live?.metadata.managedFields.map((m: any) => `${m.manager}:${m.operation}`)).toEqual(['bulkhead:Apply']);
    expect(live?.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'bulkhead' });
    expect((await driver.readPolicies('shop')).map((p) => p.metadata.name)).toEqual(['allow-web-to-orders', 'bulkhead-default-deny']);
  });

  it('is idempotent: applying twice changes nothing the second time', async () => {
    await driver.applyPolicies('shop', [defaultDeny('shop')]);
    const rv = server.store.resourceVersion;
    const first = JSON.stringify(await driver.readPolicies('shop'));
    await driver.applyPolicies('shop', [defaultDeny('shop')]);
    expect(server.store.resourceVersion).toBe(rv);
    expect(JSON.stringify(await driver.readPolicies('shop'))).toBe(first);
  });

  it("with prune, deletes the namespace's other policies after applying", async () => {
    await driver.applyPolicies('shop', [defaultDeny('shop')], { prune: true });
    expect((await driver.readPolicies('shop')).map((p) => p.metadata.name)).toEqual(['bulkhead-default-deny']);
    expect(server.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual([
      'PATCH /apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/bulkhead-default-deny',
      'DELETE /apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/allow-web-to-orders',
    ]);
  });

  it('refuses a policy of another namespace before writing anything', async () => {
    await expect(driver.applyPolicies('shop', [defaultDeny('web')])).rejects.toThrow('does not belong to namespace "shop"');
    expect(server.requests.some((r) => r.method === 'PATCH')).toBe(false);
  });

  it('deletes policies; a missing one is not an error', async () => {
    await driver.deletePolicies('shop', ['allow-web-to-orders', 'never-existed']);
    expect(await driver.readPolicies('shop')).toEqual([]);
    expect(server.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([
      '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/allow-web-to-orders',
      '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/never-existed',
    ]);
  });

  it('restores exactly: a changed policy goes back byte for byte, an added one is deleted, labels and annotations are replaced', async () => {
    const snapshot = await driver.readPolicies('shop');
    const before = JSON.stringify(snapshot);
    // The plan changes the existing policy (spec, a label) and adds a default deny...
    await driver.applyPolicies('shop', [
      policy(
        'shop',
        'allow-web-to-orders',
        { podSelector: { matchLabels: { app: 'orders' } }, ingress: [] },
        { labels: { owner: 'team-shop', 'app.kubernetes.io/managed-by': 'bulkhead' } },
      ),
      defaultDeny('shop'),
    ]);
    // ...and someone else adds an annotation on the side.
    server.store.apply(
      npType,
      'shop',
      'allow-web-to-orders',
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'allow-web-to-orders', annotations: { extra: 'yes' } },
      },
      'someone',
      false,
    );
    expect(JSON.stringify(await driver.readPolicies('shop'))).not.toBe(before);

    await driver.restorePolicies('shop', snapshot);
    expect(JSON.stringify(await driver.readPolicies('shop'))).toBe(before);
    expect(
      server.requests.some(
        (r) => r.method === 'PUT' && r.path === '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/allow-web-to-orders',
      ),
    ).toBe(true);

    // Restoring again is a no-op, and restoring a namespace to "no policies" deletes them all.
    const rv = server.store.resourceVersion;
    await driver.restorePolicies('shop', snapshot);
    expect(server.store.resourceVersion).toBe(rv);
    await driver.restorePolicies('shop', []);
    expect(await driver.readPolicies('shop')).toEqual([]);
    await driver.restorePolicies('shop', snapshot);
    expect(JSON.stringify(await driver.readPolicies('shop'))).toBe(before);
  });
});

describe('the fake API server', () => {
  const call = (method: string, path: string, init: { token?: string; contentType?: string; body?: string } = {}) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${init.token ?? server.token}`, ...(init.contentType ? { 'content-type': init.contentType } : {}) },
      ...(init.body ? { body: init.body } : {}),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  it('answers errors with Status objects, refuses other tokens and patch types it does not speak', async () => {
    expect(await call('GET', '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/nope')).toEqual({
      status: 404,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        reason: 'NotFound',
        code: 404,
        message: 'networkpolicies "nope" not found',
      },
    });
    expect((await call('GET', '/api/v1/pods', { token: 'other' })).body).toMatchObject({ code: 401, reason: 'Unauthorized' });
    const merge = await call('PATCH', '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/allow-web-to-orders', {
      contentType: 'application/merge-patch+json',
      body: '{}',
    });
    expect(merge.body).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
    const list = await call('GET', '/api/v1/namespaces/shop/pods');
    expect(list.body).toMatchObject({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: expect.any(String) } });
    expect(list.body.items[0].kind).toBeUndefined(); // as the real API server: list items carry no kind
  });

  it('rejects an invalid NetworkPolicy with 422, which the driver reports', async () => {
    const bad = policy('shop', 'bad', { podSelector: {}, ingress: [{ ports: [{ port: 70000 }] }] });
    await expect(driver.applyPolicies('shop', [bad])).rejects.toThrow(/422 Invalid: NetworkPolicy.networking.k8s.io "bad" is invalid/);
  });
});

describe('restore under a concurrent writer', () => {
  it('starts the pass again when a PUT meets a newer resourceVersion (409), and still ends exact', async () => {
    const snapshot = await driver.readPolicies('shop');
    const before = JSON.stringify(snapshot);
    await driver.applyPolicies('shop', [
      policy('shop', 'allow-web-to-orders', { podSelector: {}, ingress: [] }, { labels: { owner: 'plan' } }),
    ]);
    let raced = false;
    server.onRequest((r) => {
      if (r.method === 'PUT' && !raced) {
        raced = true;
        server.store.apply(
          npType,
          'shop',
          'allow-web-to-orders',
          {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'NetworkPolicy',
            metadata: { name: 'allow-web-to-orders', annotations: { racing: 'yes' } },
          },
          'someone',
          false,
        );
      }
    });
    await driver.restorePolicies('shop', snapshot);
    expect(raced).toBe(true);
    expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(2);
    expect(JSON.stringify(await driver.readPolicies('shop'))).toBe(before);
  });
});

describe('probes', () => {
  it('an allowed pair connects; after a default deny a pair it does not allow is dropped; read from the pod status, the pod deleted after', async () => {
    const allowed = only(
      await driver.probe([probeReq('p-1', ['web', 'frontend'], { kind: 'workload', namespace: 'shop', name: 'orders' })]),
    );
    expect(allowed).toEqual({ connected: true, detail: 'connected to 10.244.2.20:8080/TCP' });

    const created = server.requests.find((r) => r.method === 'POST' && r.path === '/api/v1/namespaces/web/pods');
    const manifest = JSON.parse(created?.body ?? '{}');
    expect(manifest.metadata.name).toBe(probePodName('p-1'));
    expect(manifest.metadata.labels).toMatchObject({ app: 'frontend', [PROBE_LABEL]: expect.any(String) });
    expect(manifest.spec.restartPolicy).toBe('Never');
    expect(manifest.spec.containers[0].command).toEqual(['nc', '-z', '-w', '1', '10.244.2.20', '8080']);
    expect(server.requests.some((r) => r.method === 'GET' && r.path === `/api/v1/namespaces/web/pods/${probePodName('p-1')}`)).toBe(true);
    expect(server.requests.some((r) => r.method === 'DELETE' && r.path === `/api/v1/namespaces/web/pods/${probePodName('p-1')}`)).toBe(
      true,
    );
    expect(probePodsLeft()).toEqual([]);

    const before = only(
      await driver.probe([probeReq('p-2', ['web', 'frontend'], { kind: 'workload', namespace: 'shop', name: 'postgres' }, 5432)]),
    );
    expect(before.connected).toBe(true);
    // The default deny isolates shop; web -> orders stays allowed by allow-web-to-orders, web -> postgres is now dropped.
    await driver.applyPolicies('shop', [defaultDeny('shop')]);
    expect(
      only(await driver.probe([probeReq('p-3', ['web', 'frontend'], { kind: 'workload', namespace: 'shop', name: 'orders' })])).connected,
    ).toBe(true);
    const denied = only(
      await driver.probe([probeReq('p-4', ['web', 'frontend'], { kind: 'workload', namespace: 'shop', name: 'postgres' }, 5432)]),
    );
    expect(denied.connected).toBe(false);
    expect(denied.error).toBeUndefined();
    expect(denied.detail).toContain('Connection timed out');
    expect(probePodsLeft()).toEqual([]);
  });

  it('probes an IP, and tells a closed port (refused) from a dropped one', async () => {
    const open = only(await driver.probe([probeReq('ip-1', ['shop', 'orders'], { kind: 'ip', ip: '10.244.3.30' }, 5432)]));
    expect(open.connected).toBe(true);
    const closed = only(await driver.probe([probeReq('ip-2', ['shop', 'orders'], { kind: 'ip', ip: '10.244.3.30' }, 6000)]));
    expect(closed).toMatchObject({ connected: false });
    expect(closed.detail).toContain('Connection refused');
  });

  it('resolves names through the cluster DNS until egress is denied', async () => {
    expect(
      await driver.probe([probeReq('dns-1', ['web', 'frontend'], { kind: 'dns', name: 'orders.shop.svc.cluster.local' }, 53, 'UDP')]),
    ).toEqual([
      {
        connected: true,
        detail: 'resolved orders.shop.svc.cluster.local',
      },
    ]);
    await driver.applyPolicies('web', [defaultDeny('web')]);
    const blocked = only(
      await driver.probe([probeReq('dns-2', ['web', 'frontend'], { kind: 'dns', name: 'orders.shop.svc.cluster.local' }, 53, 'UDP')]),
    );
    expect(blocked.connected).toBe(false);
    expect(blocked.detail).toContain('could not resolve');
  });

  it('a probe pod that never finishes times out with a detail, and is deleted', async () => {
    server.setProbeBehaviour('hang');
    const quick = new KubernetesDriver(server.kubeconfig(), { ...onLoopback, pollIntervalMs: 10, probeStartTimeoutMs: 200 });
    const outcome = only(
      await quick.probe([
        { ...probeReq('hang-1', ['web', 'frontend'], { kind: 'workload', namespace: 'shop', name: 'orders' }), timeoutMs: 100 },
      ]),
    );
    expect(outcome).toMatchObject({ connected: false, error: true });
    expect(outcome.detail).toMatch(
      /timed out after 300 ms waiting for probe pod web\/bulkhead-probe-[0-9a-f]+ to finish \(last state: Running\)/,
    );
    expect(probePodsLeft()).toEqual([]);
  });

  it("runs a batch probeConcurrency pods at a time, each result in its probe's slot", async () => {
    const two = new KubernetesDriver(server.kubeconfig(), { ...fast, probeConcurrency: 2 });
    let live = 0;
    let most = 0;
    server.onRequest((r) => {
      if (!r.path.startsWith('/api/v1/namespaces/web/pods')) return;
      if (r.method === 'POST') most = Math.max(most, ++live);
      if (r.method === 'DELETE') live--;
    });
    const batch = [
      probeReq('b-1', ['web', 'frontend'], { kind: 'workload', namespace: 'shop', name: 'orders' }),
      probeReq('b-2', ['web', 'ghost'], { kind: 'ip', ip: '10.244.2.20' }),
      probeReq('b-3', ['web', 'frontend'], { kind: 'ip', ip: '10.244.3.30' }, 6000),
      probeReq('b-4', ['web', 'frontend'], { kind: 'dns', name: 'orders.shop.svc.cluster.local' }, 53, 'UDP'),
      probeReq('b-5', ['web', 'frontend'], { kind: 'workload', namespace: 'shop', name: 'postgres' }, 5432),
    ];
    const results = await two.probe(batch);
    expect(results.map((r) => [r.connected, r.error ?? false])).toEqual([
      [true, false],
      [false, true],
      [false, false],
      [true, false],
      [true, false],
    ]);
    expect(results[2]?.detail).toContain('Connection refused');
    expect(server.createdPods).toHaveLength(4);
    expect(most).toBe(2);
    expect(probePodsLeft()).toEqual([]);
  });

  it('a source workload without pods is an error outcome, and nothing is created', async () => {
    const outcome = only(await driver.probe([probeReq('nobody', ['web', 'ghost'], { kind: 'ip', ip: '10.244.2.20' })]));
    expect(outcome).toEqual({ connected: false, error: true, detail: 'no pod of web/ghost to probe from' });
    expect(server.createdPods).toEqual([]);
  });

  it('a target workload without a ready pod is an error outcome', async () => {
    const outcome = only(
      await driver.probe([probeReq('no-target', ['web', 'frontend'], { kind: 'workload', namespace: 'shop', name: 'ghost' })]),
    );
    expect(outcome).toEqual({ connected: false, error: true, detail: 'no ready pod of shop/ghost to probe' });
  });

  it('SCTP is an error outcome (no SCTP client in the probe pod)', async () => {
    expect(await driver.probe([probeReq('sctp', ['web', 'frontend'], { kind: 'ip', ip: '10.244.2.20' }, 9000, 'SCTP')])).toMatchObject([
      { connected: false, error: true },
    ]);
  });

  it('a re-run after a crash finds the pod the first run left and reads its result instead of probing again', async () => {
    const req = probeReq('crashed', ['web', 'frontend'], { kind: 'workload', namespace: 'shop', name: 'orders' });
    await driver.probe([req]);
    const manifest = JSON.parse(server.requests.find((r) => r.method === 'POST')?.body ?? '{}');
    // The first run "died" after its pod finished and before deleting it: the pod is still there, exit 0.
    const podType = { resource: 'pods', kind: 'Pod', apiVersion: 'v1', prefix: '/api/v1', namespaced: true };
    const terminated = { exitCode: 0, reason: 'Completed', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z' };
    server.store.create(podType, 'web', manifest, 'bulkhead', {
      phase: 'Succeeded',
      containerStatuses: [{ name: 'probe', state: { terminated } }],
    });
    server.setProbeBehaviour('fail'); // a new pod would fail: the re-run must read the left one
    server.requests.length = 0;
    expect(await driver.probe([req])).toEqual([{ connected: true, detail: 'connected to 10.244.2.20:8080/TCP' }]);
    expect(server.requests.filter((r) => r.method === 'POST')).toEqual([]);
    expect(probePodsLeft()).toEqual([]);
  });

  it('a re-run replaces a leftover pod of another spec under the same name', async () => {
    const podType = { resource: 'pods', kind: 'Pod', apiVersion: 'v1', prefix: '/api/v1', namespaced: true };
    server.store.create(podType, 'web', {
      metadata: { name: probePodName('again'), labels: { [PROBE_LABEL]: 'x' }, annotations: { 'bulkhead.io/probe-spec': 'stale' } },
      spec: { containers: [{ name: 'probe', image: 'old' }] },
    });
    const outcome = only(
      await driver.probe([probeReq('again', ['web', 'frontend'], { kind: 'workload', namespace: 'shop', name: 'orders' })]),
    );
    expect(outcome.connected).toBe(true);
    expect(probePodsLeft()).toEqual([]);
  });

  it('cleanupProbePods deletes probe pods older than the given age, in every namespace', async () => {
    const podType = { resource: 'pods', kind: 'Pod', apiVersion: 'v1', prefix: '/api/v1', namespaced: true };
    const old = new Date(Date.now() - 3_600_000).toISOString();
    server.store.create(podType, 'shop', {
      metadata: { name: 'bulkhead-probe-old', labels: { [PROBE_LABEL]: 'old' }, creationTimestamp: old },
      spec: { containers: [] },
    });
    server.store.create(podType, 'web', {
      metadata: { name: 'bulkhead-probe-new', labels: { [PROBE_LABEL]: 'new' } },
      spec: { containers: [] },
    });
    expect(await driver.cleanupProbePods(600_000)).toEqual(['shop/bulkhead-probe-old']);
    expect(probePodsLeft().map((p) => p.metadata.name)).toEqual(['bulkhead-probe-new']);
  });
});

describe('credentials', () => {
  it("a refused token gives a clear error that never contains the kubeconfig's secret", async () => {
    const secret = 'wrong-token-b3f9a17c44e2';
    const refused = new KubernetesDriver(server.kubeconfig(secret), fast);
    const messages: string[] = [];
    for (const call of [
      () => refused.discover(),
      () => refused.readPolicies('shop'),
      () => refused.applyPolicies('shop', [defaultDeny('shop')]),
      () => refused.restorePolicies('shop', []),
    ]) {
      await expect(call()).rejects.toThrow(/401 Unauthorized/);
      await call().catch((e: Error) => messages.push(`${e.message}\n${e.stack}`));
    }
    const outcome = only(await refused.probe([probeReq('p', ['web', 'frontend'], { kind: 'ip', ip: '10.244.2.20' })]));
    expect(outcome).toMatchObject({ connected: false, error: true });
    messages.push(outcome.detail);
    expect(messages[0]).toContain("the API server refused the kubeconfig's credentials");
    for (const message of messages) expect(message).not.toContain(secret);
  });

  it('an unreadable kubeconfig is refused without quoting it', () => {
    const secret = 'token-in-broken-yaml-9f8e7d';
    expect(() => new KubernetesDriver(`users:\n  - name: u\n    user: { token: ${secret}\n  bad: [`)).toThrow(
      /kubeconfig is not valid YAML/,
    );
    try {
      new KubernetesDriver(`users:\n  - name: u\n    user: { token: ${secret}\n  bad: [`);
    } catch (error) {
      expect((error as Error).message).not.toContain(secret);
    }
  });

  it('a server that never answers is an error after the request timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const hung = new KubernetesDriver(server.kubeconfig().replace(server.url, `http://127.0.0.1:${port}`), {
        ...fast,
        requestTimeoutMs: 200,
      });
      await expect(hung.readPolicies('shop')).rejects.toThrow(
        'GET /apis/networking.k8s.io/v1/namespaces/shop/networkpolicies: the API server did not answer within 200 ms',
      );
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('an unreachable server is an error that names the request, not the credentials', async () => {
    const url = server.url;
    await server.close();
    const gone = new KubernetesDriver(server.kubeconfig(), fast);
    await expect(gone.readPolicies('shop')).rejects.toThrow(
      /GET \/apis\/networking.k8s.io\/v1\/namespaces\/shop\/networkpolicies: the API server could not be reached/,
    );
    await gone.readPolicies('shop').catch((e: Error) => expect(e.message).not.toContain(server.token));
    server = await startFakeKubeApiServer({ seed: SEED }); // for afterEach
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });
});
