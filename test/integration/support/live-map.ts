import { TypeOrmInventoryStore } from '@bulkhead/persistence';
import { bookinfoSnapshot, type ReplayFlow } from '../../support/fake-flow-servers/bookinfo-cluster';
import { type ComparableEdge, hourlyImportedActivity, hourlyImportedMap } from '../../support/fake-flow-servers/hourly-map';
import type { Harness } from './harness';

/** A cluster whose inventory is the bookinfo cluster of the published Hubble samples; its id. */
export async function bookinfoCluster(api: Harness, name: string): Promise<string> {
  const id = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name, cni: 'cilium' } })).body.id;
  const put = await api.call('PUT', `/api/v1/clusters/${id}/snapshot`, {
    role: 'operator',
    raw: bookinfoSnapshot(),
    headers: { 'content-type': 'application/json' },
  });
  if (put.status !== 200) throw new Error(`the bookinfo snapshot was refused: ${put.status} ${JSON.stringify(put.body)}`);
  return id;
}

async function inventoryOf(api: Harness, clusterId: string) {
  const inventory = await new TypeOrmInventoryStore(api.db).load(clusterId);
  return { pods: inventory.pods, workloads: inventory.workloads };
}

/** What a file import of the same flows puts in the map, hour by hour: the answer a live collection must give. */
export async function importedMap(api: Harness, clusterId: string, flows: readonly ReplayFlow[]): Promise<Map<string, ComparableEdge>> {
  return hourlyImportedMap(
    flows.map((f) => f.line),
    await inventoryOf(api, clusterId),
  );
}

/** The same, hour by hour: what each edge's activity per hour must be. */
export async function importedActivity(
  api: Harness,
  clusterId: string,
  flows: readonly ReplayFlow[],
): Promise<Map<string, ComparableEdge>> {
  return hourlyImportedActivity(
    flows.map((f) => f.line),
    await inventoryOf(api, clusterId),
  );
}

const sorted = <T>(entries: Array<[string, T]>) => new Map(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** The cluster's map as the API shows it (every page), keyed `src|dst|protocol|port`. */
export async function liveMap(api: Harness, clusterId: string): Promise<Map<string, ComparableEdge>> {
  const edges: any[] = [];
  for (let cursor: string | null = null; ;) {
    const query: string = cursor ? `&cursor=${cursor}` : '';
    const page = (await api.call('GET', `/api/v1/clusters/${clusterId}/edges?limit=500${query}`, { role: 'viewer' })).body;
    edges.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return sorted(
    edges.map((e): [string, ComparableEdge] => [
      `${e.fromKey}|${e.toKey}|${e.protocol}|${e.port}`,
      { connections: e.connections, firstSeen: Date.parse(e.firstSeen), lastSeen: Date.parse(e.lastSeen) },
    ]),
  );
}

/** A source's recorded activity per edge and hour, keyed `src|dst|protocol|port@<hour, ISO>`. */
export async function liveActivity(api: Harness, sourceId: string): Promise<Map<string, ComparableEdge>> {
  const rows: Array<{
    src_key: string;
    dst_key: string;
    protocol: string;
    port: number;
    hour: Date;
    connections: string;
    first_seen: Date;
    last_seen: Date;
  }> = await api.db.query(
    `SELECT e.src_key, e.dst_key, e.protocol, e.port, a.hour, a.connections, a.first_seen, a.last_seen
       FROM edge_activity a JOIN edges e ON e.id = a.edge_id WHERE a.source_id = $1`,
    [sourceId],
  );
  return sorted(
    rows.map((r): [string, ComparableEdge] => [
      `${r.src_key}|${r.dst_key}|${r.protocol}|${r.port}@${r.hour.toISOString()}`,
      { connections: Number(r.connections), firstSeen: r.first_seen.getTime(), lastSeen: r.last_seen.getTime() },
    ]),
  );
}
