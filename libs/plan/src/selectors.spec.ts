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
