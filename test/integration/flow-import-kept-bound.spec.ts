import { runFlowImport, type RunImportDeps } from '@bulkhead/inventory';
import { TypeOrmFlowImportStore } from '@bulkhead/persistence';
import { UploadStorage } from '@bulkhead/platform';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INVENTORY_DEPS } from '../../apps/api/src/stores.providers';
import { type Harness, startApi } from './support/harness';

// The bound on the unattributed flows a cluster keeps for its next inventory change (50,000 in the product,
// 3 here): the first flows are kept, up to the bound across all the cluster's imports, and every other one is
// counted as not kept. The imports are run by this spec, as the worker's job runs them, with the small bound.

const KEEP_AT_MOST = 3;
const flows = readFileSync(join(__dirname, '..', 'fixtures', 'small-flows.hubble.jsonl'), 'utf8');

let api: Harness;
let deps: RunImportDeps;

beforeAll(async () => {
  api = await startApi(); // no worker: the imports wait until this spec runs them
  const inventory = api.app.get(INVENTORY_DEPS);
  deps = {
    imports: new TypeOrmFlowImportStore(api.db),
    inventory: inventory.inventory,
    clusters: inventory.clusters,
    queue: inventory.queue,
    files: new UploadStorage(join(api.config.dataDir, 'uploads')),
    clock: () => new Date(),
    keepUnattributedAtMost: KEEP_AT_MOST,
  };
});
afterAll(() => api.close());

/** Uploads `body` and runs its import with the small bound; answers the job's outcome and the import as the API shows it. */
async function imported(clusterId: string, body: string) {
  const res = await api.call('POST', `/api/v1/clusters/${clusterId}/flow-imports?fileName=flows.jsonl`, {
    role: 'operator',
    raw: body,
    headers: { 'content-type': 'application/x-ndjson' },
  });
  expect(res.status).toBe(202);
  const outcome = await runFlowImport(deps, res.body.id);
  return { outcome, view: (await api.call('GET', `/api/v1/flow-imports/${res.body.id}`, { role: 'viewer' })).body };
}

it('keeps unattributed flows up to the bound across the cluster, and counts the rest as not kept', async () => {
  const clusterId = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'kept-bound', cni: 'cilium' } })).body.id;
  // Without an inventory, five flows of the file may be attributed later.
  const first = await imported(clusterId, flows);
  expect(first.outcome).toEqual({ status: 'done', detail: `${KEEP_AT_MOST} unattributed flows kept` });
  expect(first.view).toMatchObject({ status: 'succeeded', warnings: [{ code: 'no-inventory' }] });
  expect(first.view.unattributed).toEqual({ waiting: KEEP_AT_MOST, notKept: 5 - KEEP_AT_MOST, attributedLater: 0 });

  // The cluster is full: a second file (the same flows, other bytes) keeps none.
  const second = await imported(clusterId, `${flows}\n`);
  expect(second.outcome).toEqual({ status: 'done' });
  expect(second.view.unattributed).toEqual({ waiting: 0, notKept: 5, attributedLater: 0 });
});
