import { buildInventory, snapshotFromDocuments } from '@bulkhead/netpol';
import { selectWorkloads } from './selectors';
import { resolveTiers, tierFromLabels } from './tiers';

const pod = (name: string, labels: Record<string, string>, owner?: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    namespace: 'ns',
    name,
    labels,
    ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: owner, controller: true, uid: owner }] } : {}),
  },
  spec: { containers: [{ name: 'c' }] },
  status: { podIP: `10.0.0.${name.length}` },
});
const inventoryOf = (...pods: object[]) => buildInventory(snapshotFromDocuments([{ apiVersion: 'v1', kind: 'List', items: pods }]));

describe('selectWorkloads', () => {
  it('prefers app.kubernetes.io/name and never uses revision or per-pod labels', () => {
    const inv = inventoryOf(
      pod(
        'db-0',
        {
          'app.kubernetes.io/name': 'db',
          app: 'db',
          'controller-revision-hash': 'db-7c9',
          'statefulset.kubernetes.io/pod-name': 'db-0',
          'app.kubernetes.io/version': '16',
        },
        'db',
      ),
    );
    expect(selectWorkloads(inv).get('ns/db')).toEqual({
      workload: 'ns/db',
      selector: { matchLabels: { 'app.kubernetes.io/name': 'db' } },
      exact: true,
      alsoSelects: [],
      unlabelled: false,
    });
  });

  it('adds keys, then DoesNotExist, until the workload is told apart', () => {
    const inv = inventoryOf(
      pod('api', { app: 'shop', component: 'api' }),
      pod('worker', { app: 'shop', component: 'worker' }),
      pod('plain', { app: 'shop' }),
      pod('canary', { app: 'shop', canary: 'true' }),
    );
    const s = selectWorkloads(inv);
    expect(s.get('ns/api')!.selector).toEqual({ matchLabels: { app: 'shop', component: 'api' } });
    expect(s.get('ns/plain')!.selector).toEqual({
      matchLabels: { app: 'shop' },
      matchExpressions: [
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'component', operator: 'DoesNotExist' },
      ],
    });
    expect(s.get('ns/plain')!.exact).toBe(true);
  });

  it('tells sibling Deployments apart by the label they differ in (bookinfo reviews-v1, v2, v3)', () => {
    const inv = inventoryOf(
      pod('ratings-v1-b6994bb9-jgqxb', { app: 'ratings', version: 'v1', 'pod-template-hash': 'b6994bb9' }, 'ratings-v1'),
      pod('reviews-v1-545db77b95-j2n72', { app: 'reviews', version: 'v1', 'pod-template-hash': '545db77b95' }, 'reviews-v1'),
      pod('reviews-v2-7bf8c9648f-r7bs2', { app: 'reviews', version: 'v2', 'pod-template-hash': '7bf8c9648f' }, 'reviews-v2'),
      pod('reviews-v3-84779c7bbc-6x8gl', { app: 'reviews', version: 'v3', 'pod-template-hash': '84779c7bbc' }, 'reviews-v3'),
    );
    const selections = selectWorkloads(inv);
    expect(selections.get('ns/ratings-v1')!.selector).toEqual({ matchLabels: { app: 'ratings' } });
    for (const version of ['v1', 'v2', 'v3']) {
      expect(selections.get(`ns/reviews-${version}`)).toEqual({
        workload: `ns/reviews-${version}`,
        selector: { matchLabels: { app: 'reviews', version } },
        exact: true,
        alsoSelects: [],
        unlabelled: false,
      });
    }
  });

  it('prefers a well-known key to another label that would tell the workloads apart as well', () => {
    const inv = inventoryOf(
      pod('a', { app: 'shop', 'example.com/team': 'a', tier: 'front' }),
      pod('b', { app: 'shop', 'example.com/team': 'b', tier: 'back' }),
    );
    expect(selectWorkloads(inv).get('ns/a')!.selector).toEqual({ matchLabels: { app: 'shop', tier: 'front' } });
  });

  it('uses any label all the pods share when no well-known key tells the workloads apart', () => {
    const inv = inventoryOf(pod('stable', { app: 'shop', track: 'stable' }), pod('canary', { app: 'shop', track: 'canary' }));
    expect(selectWorkloads(inv).get('ns/canary')!.selector).toEqual({ matchLabels: { app: 'shop', track: 'canary' } });
  });

  it('finds the set when it takes more labels than are searched in full', () => {
    // Each other workload differs from `all` in one label only: all five are needed besides `app`.
    const shared = { app: 'shop', k1: 'x', k2: 'x', k3: 'x', k4: 'x', k5: 'x' };
    const others = ['k1', 'k2', 'k3', 'k4', 'k5'].map((key) => pod(`not-${key}`, { ...shared, [key]: 'y' }));
    const selection = selectWorkloads(inventoryOf(pod('all', shared), ...others)).get('ns/all')!;
    expect(selection.selector).toEqual({ matchLabels: shared });
    expect(selection.exact).toBe(true);
  });

  it('reports workloads that labels cannot tell apart', () => {
    const inv = inventoryOf(pod('a', { app: 'same' }), pod('b', { app: 'same' }));
    const a = selectWorkloads(inv).get('ns/a')!;
    expect(a.exact).toBe(false);
    expect(a.alsoSelects).toEqual(['ns/b']);
  });
});

describe('tiers', () => {
  it('reads environment/env/tier labels and lets the given map win', () => {
    expect(tierFromLabels({ environment: 'production' })).toBe('prod');
    expect(tierFromLabels({ env: 'stage' })).toBe('staging');
    expect(tierFromLabels({ tier: 'dev' })).toBe('dev');
    expect(tierFromLabels({ tier: 'frontend' })).toBeNull();
    expect(
      resolveTiers(
        [
          { name: 'x', labels: { env: 'prod' } },
          { name: 'y', labels: {} },
        ],
        { x: null },
      ),
    ).toEqual({ x: null, y: null });
  });
});
