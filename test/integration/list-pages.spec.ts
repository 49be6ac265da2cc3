import { type Harness, startApi } from './support/harness';

let api: Harness;
let clusterId: string;
let otherClusterId: string;

interface PageBody<T> {
  items: T[];
  nextCursor: string | null;
}

const get = async <T>(path: string): Promise<PageBody<T>> => {
  const res = await api.call('GET', path, { role: 'viewer' });
  expect(res.status).toBe(200);
  return res.body as PageBody<T>;
};

/**
 * Every page of a list, `between(n)` run after page n (to write rows while a client pages): the ids
 * in the order given, and the size of each page.
 */
async function walk(
  path: string,
  between: (page: number) => Promise<void> = async () => undefined,
): Promise<{ ids: string[]; sizes: number[] }> {
  const ids: string[] = [];
  const sizes: number[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page: PageBody<{ id: string }> = await get(cursor === null ? path : `${path}${separator}cursor=${encodeURIComponent(cursor)}`);
    ids.push(...page.items.map((item) => item.id));
    sizes.push(page.items.length);
    cursor = page.nextCursor;
    await between(sizes.length);
  } while (cursor !== null);
  return { ids, sizes };
}

let edgeNumber = 0;
/** An edge written as an import would write it, between two workloads of `namespace`, keyed so that it sorts at `rank`. */
async function insertEdge(cluster: string, rank: string, namespace = 'shop', review = 'unreviewed', origin = 'observed'): Promise<string> {
  edgeNumber++;
  const src = `workload:${namespace}/${rank}-${edgeNumber}`;
  const dst = `workload:${namespace}/db`;
  const [row] = await api.db.query(
    `INSERT INTO edges (cluster_id, key, src_key, dst_key, port, protocol, origin, review) VALUES ($1, $2, $3, $4, 5432, 'TCP', $5, $6) RETURNING id`,
    [cluster, `${src}>${dst}:5432/TCP`, src, dst, origin, review],
  );
  return row.id;
}

const edgeIds = async (cluster: string) =>
  (await api.db.query(`SELECT id FROM edges WHERE cluster_id = $1`, [cluster])).map((r: { id: string }) => r.id).sort();

const newCluster = async (name: string) =>
  (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name, cni: 'cilium' } })).body.id as string;

beforeAll(async () => {
  api = await startApi();
  clusterId = await newCluster('paged');
  otherClusterId = await newCluster('paged-other');
  for (let i = 0; i < 23; i++) await insertEdge(clusterId, `m${String(i).padStart(2, '0')}`);
});
afterAll(() => api.close());

describe('paging a list with a cursor', () => {
  it('gives every edge once, in pages of the limit, while edges are written between pages', async () => {
    const before = await edgeIds(clusterId);
    const written: string[] = [];
    // After each page: one edge that sorts before every edge (already passed) and one after every edge (still to come).
    const { ids, sizes } = await walk(`/api/v1/clusters/${clusterId}/edges?limit=5`, async () => {
      written.push(await insertEdge(clusterId, 'a'), await insertEdge(clusterId, 'z'));
    });
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of before) expect(ids).toContain(id);
    expect(sizes.slice(0, -1).every((n) => n === 5)).toBe(true);
    const after = new Set(await edgeIds(clusterId));
    for (const id of ids) expect(after.has(id)).toBe(true);
    // Those written after the walk's position were given; those written before it were not given twice.
    expect(written.filter((id) => ids.includes(id)).length).toBeGreaterThan(0);
  });

  it('gives every audit entry once, newest first, while entries are written between pages', async () => {
    const before: string[] = (await api.db.query(`SELECT id::text FROM audit_log ORDER BY id DESC`)).map((r: { id: string }) => r.id);
    const { ids } = await walk('/api/v1/audit?limit=3', async () => {
      await api.db.query(`INSERT INTO audit_log (actor, action, target) VALUES ('user:psql', 'psql.note', 'between pages')`);
    });
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => before.includes(id))).toEqual(before);
  });

  it('gives every rollout once, newest first, as summaries, while rollouts are made between pages', async () => {
    const planId = await tinyPlan(otherClusterId);
    const draft = async () =>
      (await api.call('POST', '/api/v1/rollouts', { role: 'operator', body: { planId, namespaces: ['shop'] } })).body.id as string;
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push(await draft());
    const { ids } = await walk(`/api/v1/rollouts?clusterId=${otherClusterId}&limit=2`, async () => void (await draft()));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => made.includes(id))).toEqual([...made].reverse());
    const [first] = (await get<Record<string, unknown>>(`/api/v1/rollouts?clusterId=${otherClusterId}&limit=1`)).items;
    expect(first).toMatchObject({ status: 'draft', namespaces: 1, phases: { pending: 1 } });
    expect(first).not.toHaveProperty('steps');
  });

  it('gives every plan and every flow import once, newest first', async () => {
    for (let version = 1; version <= 7; version++)
      await api.db.query(
        `INSERT INTO plans (cluster_id, version, created_by, policies, report, summary) VALUES ($1, $2, 'psql', '[]', '{}', '{}')`,
        [clusterId, version],
      );
    const plans = await walk(`/api/v1/clusters/${clusterId}/plans?limit=3`);
    expect(plans.sizes).toEqual([3, 3, 1]);
    const versions: number[] = (
      await api.db.query(`SELECT id, version FROM plans WHERE cluster_id = $1 ORDER BY version DESC`, [clusterId])
    ).map((r: { id: string }) => r.id);
    expect(plans.ids).toEqual(versions);

    for (let i = 0; i < 5; i++)
      await api.call('POST', `/api/v1/clusters/${clusterId}/flow-imports?fileName=f${i}.csv`, {
        role: 'operator',
        raw: `src,dst,port\nshop/a${i},shop/db,5432\n`,
        headers: { 'content-type': 'text/plain' },
      });
    const imports = await walk(`/api/v1/clusters/${clusterId}/flow-imports?limit=2`);
    expect(imports.sizes).toEqual([2, 2, 1]);
    expect(new Set(imports.ids).size).toBe(5);
  });
});

describe('filters', () => {
  it('edges by namespace, review and origin', async () => {
    const cluster = await newCluster('filtered');
    const payments = await insertEdge(cluster, 'm', 'payments_1');
    const confirmed = await insertEdge(cluster, 'm', 'shop', 'confirmed');
    const manual = await insertEdge(cluster, 'm', 'shop', 'unreviewed', 'manual');
    // `_` in a namespace matches itself, not any character.
    await insertEdge(cluster, 'm', 'paymentsX1');
    const ids = async (query: string) => (await get<{ id: string }>(`/api/v1/clusters/${cluster}/edges?${query}`)).items.map((e) => e.id);
    expect(await ids('namespace=payments_1')).toEqual([payments]);
    expect(await ids('review=confirmed')).toEqual([confirmed]);
    expect(await ids('origin=manual')).toEqual([manual]);
    expect(await ids('namespace=shop&review=unreviewed&origin=manual')).toEqual([manual]);
  });

  it('the audit log by actor, action prefix and time', async () => {
    await api.db.query(
      `INSERT INTO audit_log (actor, action, target, at) VALUES ('user:old', 'filter.old', 'x', now() - interval '2 days'), ('user:new', 'filter.new', 'y', now())`,
    );
    const actions = async (query: string) =>
      (await get<{ action: string }>(`/api/v1/audit?${query}`)).items.map((e) => e.action).filter((a) => a.startsWith('filter.'));
    expect(await actions('action=filter.')).toEqual(['filter.new', 'filter.old']);
    expect(await actions('actor=user:old')).toEqual(['filter.old']);
    expect(await actions(`action=filter.&since=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}`)).toEqual([
      'filter.new',
    ]);
  });

  it('rollouts by status, and flow imports by status', async () => {
    const statuses = async (query: string) => (await get<{ status: string }>(`/api/v1/rollouts?${query}`)).items.map((r) => r.status);
    expect(new Set(await statuses(`clusterId=${otherClusterId}&status=draft`))).toEqual(new Set(['draft']));
    expect(await statuses(`clusterId=${otherClusterId}&status=active`)).toEqual([]);
    expect(await statuses(`clusterId=${clusterId}`)).toEqual([]);
    const imports = await get<{ status: string }>(`/api/v1/clusters/${clusterId}/flow-imports?status=failed`);
    expect(imports.items.every((i) => i.status === 'failed')).toBe(true);
  });
});

describe('refusals', () => {
  const refusal = async (path: string) => {
    const res = await api.call('GET', path, { role: 'viewer' });
    expect(res.status).toBe(400);
    return res.body.problems as Array<{ field: string; reason: string }>;
  };

  it('a cursor that the API did not make for that list is a 400 naming query.cursor', async () => {
    const { nextCursor } = await get(`/api/v1/clusters/${clusterId}/edges?limit=1`);
    const [position, signature] = nextCursor!.split('.');
    if (signature === undefined) throw new Error(`a cursor is <position>.<signature>, got ${nextCursor}`);
    const forged = `${Buffer.from(JSON.stringify({ key: 'workload:shop/zzz' })).toString('base64url')}.${signature}`;
    const flipped = `${position}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    for (const cursor of ['not-a-cursor', forged, flipped, `${position}.`])
      expect(await refusal(`/api/v1/clusters/${clusterId}/edges?cursor=${encodeURIComponent(cursor)}`)).toEqual([
        { field: 'query.cursor', reason: expect.any(String) },
      ]);
    // A cursor of the edges is not one of the audit log.
    expect(await refusal(`/api/v1/audit?cursor=${encodeURIComponent(nextCursor!)}`)).toEqual([
      { field: 'query.cursor', reason: expect.stringContaining('not a cursor of this list') },
    ]);
  });

  it.each([
    ['0', 'edges'],
    ['1001', 'edges'],
    ['many', 'edges'],
    ['101', 'rollouts'],
    ['501', 'audit'],
  ])('limit=%s on %s is a 400 naming query.limit', async (limit, list) => {
    const path = { edges: `/api/v1/clusters/${clusterId}/edges`, rollouts: '/api/v1/rollouts', audit: '/api/v1/audit' }[list]!;
    expect((await refusal(`${path}?limit=${limit}`)).map((p) => p.field)).toEqual(['query.limit']);
  });

  it('an unknown rollout status is a 400 naming query.status', async () => {
    expect((await refusal('/api/v1/rollouts?status=sideways')).map((p) => p.field)).toEqual(['query.status']);
  });
});

/** A plan of one dev namespace, made by the API from a snapshot of it. */
async function tinyPlan(cluster: string): Promise<string> {
  await api.call('PUT', `/api/v1/clusters/${cluster}/snapshot`, {
    role: 'operator',
    body: {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { tier: 'dev' } } },
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'web-1', namespace: 'shop', labels: { app: 'web' } },
          status: { podIP: '10.0.0.5' },
        },
      ],
    },
  });
  return (await api.call('POST', `/api/v1/clusters/${cluster}/plans`, { role: 'operator' })).body.id;
}
