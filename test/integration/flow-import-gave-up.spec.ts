import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Harness, startApi } from './support/harness';

/**
 * An import whose job fails every attempt (here its uploaded file vanished from the worker's disk) ends
 * failed in PostgreSQL, naming the error, instead of staying "running" for the recovery pass to dispatch
 * again and again.
 */
const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8');
let api: Harness;

beforeAll(async () => {
  api = await startApi({}, { worker: true });
}, 30000);
afterAll(() => api.close());

it('ends failed, naming the error, once its job has failed its last attempt', async () => {
  const clusterId = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'small', cni: 'cilium' } })).body.id;
  await api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, { role: 'operator', raw: fixture('small-snapshot.yaml'), headers: { 'content-type': 'application/yaml' } });
  await api.stopWorker();
  const queued = await api.call('POST', `/api/v1/clusters/${clusterId}/flow-imports?fileName=flows.jsonl`, { role: 'operator', raw: fixture('small-flows.hubble.jsonl'), headers: { 'content-type': 'application/x-ndjson' } });
  expect(queued.status).toBe(202);
  await rm(join(api.config.dataDir, 'uploads'), { recursive: true, force: true });
  await api.startWorker();
  // Five attempts with back-off (2 + 4 + 8 + 16 s) before the job gives up.
  const done = await api.waitFor(() => api.call('GET', `/api/v1/flow-imports/${queued.body.id}`, { role: 'viewer' }), (r) => r.body.status === 'failed', 60000);
  expect(done.body.error).toMatch(/^gave up after repeated failures: .*ENOENT/);
}, 90000);
