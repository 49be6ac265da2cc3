import { QUEUES } from '@bulkhead/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { type Harness, startApi } from '../integration/support/harness';
import { only } from '../support/only';

/**
 * An import can never stay `running` once its job has given up. Here the database refuses to record
 * the result on every attempt (a real trigger, not a mock); when the last attempt fails, the import
 * is marked failed with the reason.
 */
let api: Harness;

beforeAll(async () => {
  api = await startApi({}, { worker: true });
});
afterAll(() => api.close());

it('marks the import failed with the reason when every attempt of its job failed', async () => {
  const clusterId = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'small', cni: 'cilium' } })).body.id;
  // The schema's owner adds the trigger: the runtime role the API and worker use may not.
  const owner = new Client({ connectionString: api.databaseUrls.migrationUrl });
  await owner.connect();
  await owner.query(`
    CREATE FUNCTION refuse_success() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.status = 'succeeded' THEN RAISE EXCEPTION 'the disk is full'; END IF; RETURN NEW; END $$;
    CREATE TRIGGER refuse_success BEFORE UPDATE ON flow_imports FOR EACH ROW EXECUTE FUNCTION refuse_success();`);
  await owner.end();
  const flows = readFileSync(join(__dirname, '..', 'fixtures', 'small-flows.hubble.jsonl'));
  const upload = await api.call('POST', `/api/v1/clusters/${clusterId}/flow-imports`, { role: 'operator', raw: flows });
  expect(upload.status).toBe(202);
  const queue = api.runtime.queues.get(QUEUES.imports)!;
  const done = await api.waitFor(
    async () => {
      await queue.promoteJobs(); // skip the retry back-off: the attempts are the same, only sooner
      return api.call('GET', `/api/v1/flow-imports/${upload.body.id}`, { role: 'viewer' });
    },
    (r) => r.body.status !== 'queued' && r.body.status !== 'running',
    30_000,
  );
  expect(done.body).toMatchObject({ status: 'failed', error: expect.stringContaining('the disk is full') });
  const job = only(
    await api.waitFor(
      () => queue.getFailed(),
      (failed) => failed.length === 1,
    ),
  );
  expect(job.attemptsMade).toBe(5);
});
