import type { SnapshotClusterPolicy } from '@bulkhead/netpol';
import { KubernetesDriver } from '../../libs/cluster/src/kubernetes';
import { type FakeKubeApiServer, startFakeKubeApiServer } from '../support/fake-kube-apiserver';
import { only } from '../support/only';

/**
 * The Kubernetes driver's cluster-scoped policies against the fake API server, on the real group, versions and
 * paths (policy.networking.k8s.io: v1alpha2 clusternetworkpolicies, v1alpha1 adminnetworkpolicies and
 * baselineadminnetworkpolicies): discovery of the served kinds, read, server-side apply, delete and exact restore.
 */

const GROUP = '/apis/policy.networking.k8s.io';
const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const adminDeny = (name: string, priority: number, labels: Record<string, string> = {}): SnapshotClusterPolicy => ({
  apiVersion: 'policy.networking.k8s.io/v1alpha1',
  kind: 'AdminNetworkPolicy',
  metadata: { name, labels },
  spec: {
    priority,
    subject: { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'prod' } } },
    ingress: [{ name: 'no-dev', action: 'Deny', from: [{ namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'dev' } } }] }],
  },
});
const baselineDeny: SnapshotClusterPolicy = {
  apiVersion: 'policy.networking.k8s.io/v1alpha2',
  kind: 'ClusterNetworkPolicy',
  metadata: { name: 'default-deny' },
  spec: { tier: 'Baseline', priority: 100, subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] },
};
const SEED = [
  namespace('dev'),
  namespace('prod'),
  { ...adminDeny('tier-isolation', 10), metadata: { name: 'tier-isolation', uid: 'seeded' } },
];
const ALL_KINDS = ['ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'];
const onLoopback = { kubeconfigRules: { allowHostCredentials: false, allowLoopback: true } };

let server: FakeKubeApiServer;
let driver: KubernetesDriver;
async function start(clusterPolicyKinds: string[]): Promise<void> {
  server = await startFakeKubeApiServer({ seed: SEED, clusterPolicyKinds });
  driver = new KubernetesDriver(server.kubeconfig(), onLoopback);
}
afterEach(() => server.close());

const names = (policies: SnapshotClusterPolicy[]) => policies.map((p) => `${p.kind}/${p.metadata.name}`);

describe('discovery of the cluster-scoped policy kinds', () => {
  it('reports the kinds the group versions serve, and lists their objects into the snapshot', async () => {
    await start(ALL_KINDS);
    const discovery = await driver.discover();
    expect(discovery.clusterPolicyKinds).toEqual(['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy']);
    const listed = discovery.snapshot.items.filter((i) => (i as { kind: string }).kind === 'AdminNetworkPolicy');
    expect(listed).toEqual([{ ...adminDeny('tier-isolation', 10), metadata: { name: 'tier-isolation' } }]);
    const paths = server.requests.map((r) => `${r.method} ${r.path}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        `GET ${GROUP}/v1alpha1`,
        `GET ${GROUP}/v1alpha2`,
        `GET ${GROUP}/v1alpha1/adminnetworkpolicies`,
        `GET ${GROUP}/v1alpha1/baselineadminnetworkpolicies`,
        `GET ${GROUP}/v1alpha2/clusternetworkpolicies`,
      ]),
    );
  }, 60_000); // the first driver of the run loads @kubernetes/client-node

  it('a cluster with only the v0.2.0 CRD serves ClusterNetworkPolicy alone; one without the CRDs serves none and lists none', async () => {
    await start(['ClusterNetworkPolicy']);
    expect((await driver.discover()).clusterPolicyKinds).toEqual(['ClusterNetworkPolicy']);
    await server.close();
    await start([]);
    const discovery = await driver.discover();
    expect(discovery.clusterPolicyKinds).toEqual([]);
    expect(await driver.readClusterPolicies()).toEqual([]);
    expect(server.requests.some((r) => r.path.endsWith('networkpolicies') && r.path.startsWith(GROUP))).toBe(false);
  });
});

describe('reading and writing cluster-scoped policies', () => {
  it('reads them without server-managed metadata, by kind and name', async () => {
    await start(ALL_KINDS);
    const [read] = await driver.readClusterPolicies();
    expect(read?.metadata).toEqual({ name: 'tier-isolation' });
    expect(read?.apiVersion).toBe('policy.networking.k8s.io/v1alpha1');
  });

  it('applies with server-side apply on the real path, and refuses a kind the cluster does not serve before writing', async () => {
    await start(['ClusterNetworkPolicy', 'AdminNetworkPolicy']);
    await driver.applyClusterPolicies([baselineDeny]);
    const patch = only(server.requests.filter((r) => r.method === 'PATCH'));
    expect(patch.path).toBe(`${GROUP}/v1alpha2/clusternetworkpolicies/default-deny`);
    expect(patch.contentType).toBe('application/apply-patch+yaml');
    expect(patch.query).toMatchObject({ fieldManager: 'bulkhead', force: 'true' });
    expect(names(await driver.readClusterPolicies())).toEqual(['AdminNetworkPolicy/tier-isolation', 'ClusterNetworkPolicy/default-deny']);

    const banp: SnapshotClusterPolicy = {
      apiVersion: 'policy.networking.k8s.io/v1alpha1',
      kind: 'BaselineAdminNetworkPolicy',
      metadata: { name: 'default' },
      spec: { subject: { namespaces: {} } },
    };
    await expect(driver.applyClusterPolicies([adminDeny('other', 20), banp])).rejects.toThrow(/does not serve BaselineAdminNetworkPolicy/);
    expect(server.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('an invalid policy is refused by the API server with its wording (422), which the driver reports', async () => {
    await start(ALL_KINDS);
    await expect(driver.applyClusterPolicies([adminDeny('too-high', 1001)])).rejects.toThrow(/AdminNetworkPolicy.*too-high.*priority/);
  });

  it('deletes them; a missing one, or one of a kind not served, is not an error', async () => {
    await start(['AdminNetworkPolicy']);
    await driver.deleteClusterPolicies([
      { kind: 'AdminNetworkPolicy', name: 'tier-isolation' },
      { kind: 'AdminNetworkPolicy', name: 'gone' },
      { kind: 'ClusterNetworkPolicy', name: 'default-deny' },
    ]);
    expect(await driver.readClusterPolicies()).toEqual([]);
  });

  it('restores exactly: a changed policy goes back byte for byte, an added one is deleted, a deleted one comes back', async () => {
    await start(ALL_KINDS);
    const snapshot = await driver.readClusterPolicies();
    const before = JSON.stringify(snapshot);
    await driver.applyClusterPolicies([adminDeny('tier-isolation', 5, { owner: 'platform' }), baselineDeny]);
    expect(JSON.stringify(await driver.readClusterPolicies())).not.toBe(before);

    await driver.restoreClusterPolicies(snapshot);
    expect(JSON.stringify(await driver.readClusterPolicies())).toBe(before);
    expect(server.requests.some((r) => r.method === 'PUT' && r.path === `${GROUP}/v1alpha1/adminnetworkpolicies/tier-isolation`)).toBe(
      true,
    );
    expect(server.requests.some((r) => r.method === 'DELETE' && r.path === `${GROUP}/v1alpha2/clusternetworkpolicies/default-deny`)).toBe(
      true,
    );

    const rv = server.store.resourceVersion;
    await driver.restoreClusterPolicies(snapshot);
    expect(server.store.resourceVersion).toBe(rv);
    await driver.restoreClusterPolicies([]);
    expect(await driver.readClusterPolicies()).toEqual([]);
    await driver.restoreClusterPolicies(snapshot);
    expect(JSON.stringify(await driver.readClusterPolicies())).toBe(before);
  });
});
