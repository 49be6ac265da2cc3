import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Harness, startApi } from './support/harness';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8');

let api: Harness;
let clusterId: string;

const upload = (body: string, role: 'operator' | 'viewer' = 'operator') =>
  api.call('POST', `/api/v1/clusters/${clusterId}/flow-imports?fileName=flows.jsonl`, {
    role,
    raw: body,
    headers: { 'content-type': 'application/x-ndjson' },
  });
const finished = (id: string) =>
  api.waitFor(
    () => api.call('GET', `/api/v1/flow-imports/${id}`, { role: 'viewer' }),
    (r) => r.body.status === 'succeeded' || r.body.status === 'failed',
  );
const edges = async () => (await api.call('GET', `/api/v1/clusters/${clusterId}/edges`, { role: 'viewer' })).body.items;

beforeAll(async () => {
  api = await startApi({ BULKHEAD_MAX_UPLOAD_MB: '1' }, { worker: true });
  clusterId = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'small', cni: 'cilium' } })).body.id;
  await api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, {
    role: 'operator',
    raw: fixture('small-snapshot.yaml'),
    headers: { 'content-type': 'application/yaml' },
  });
});
afterAll(() => api.close());

describe('importing observed flows into the dependency map', () => {
  let importId: string;

  it('queues the upload and reports progress and the reasons flows were skipped', async () => {
    const res = await upload(fixture('small-flows.hubble.jsonl'));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'queued', fileName: 'flows.jsonl', duplicateOf: null });
    importId = res.body.id;
    const done = await finished(importId);
    expect(done.body).toMatchObject({ status: 'succeeded', format: 'hubble', error: null });
    const p = done.body.progress;
    expect(p.bytesRead).toBe(p.totalBytes);
    expect(p.flowsParsed).toBe(5);
    expect(p.flowsAttributed).toBe(4);
    expect(p.flowsSkipped).toBe(2);
    expect(Object.keys(p.skippedByReason).sort()).toEqual(['invalid-json', 'unattributed src:pod-not-in-inventory']);
  });

  it('turns flows into workload edges: replies folded in, each connection counted once', async () => {
    const map = await edges();
    expect(
      map.map((e: { from: string; to: string; port: number; protocol: string; connections: number }) => [
        e.from,
        e.to,
        e.port,
        e.protocol,
        e.connections,
      ]),
    ).toEqual([
      ['api/orders-api', 'db/postgres', 5432, 'TCP', 1],
      ['web/frontend', 'api/orders-api', 8080, 'TCP', 2],
    ]);
    const web = map[1];
    expect(web).toMatchObject({
      origin: 'observed',
      review: 'unreviewed',
      firstSeen: '2026-11-20T10:00:00.000Z',
      lastSeen: '2026-11-20T11:00:00.000Z',
      verdicts: ['allowed'],
    });
    expect(web.sources).toEqual([
      { importId, format: 'hubble', connections: 2, firstSeen: '2026-11-20T10:00:00.000Z', lastSeen: '2026-11-20T11:00:00.000Z' },
    ]);
  });

  it('does not count anything twice when the same file is uploaded again', async () => {
    const again = await upload(fixture('small-flows.hubble.jsonl'));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'succeeded', duplicateOf: importId });
    expect((await edges()).map((e: { connections: number }) => e.connections)).toEqual([1, 2]);
  });

  it('marks content that is no flow log as failed, names the problem, and writes no edge', async () => {
    const res = await upload('hello\nthis is not a flow log\n');
    const done = await finished(res.body.id);
    expect(done.body.status).toBe('failed');
    expect(done.body.error).toMatch(/format|flow/i);
    expect(await edges()).toHaveLength(2);
  });

  it('refuses an upload over the size limit with 413 and keeps no file', async () => {
    const res = await upload('x'.repeat(1024 * 1024 + 10));
    expect(res.status).toBe(413);
    const files = await readdir(join(api.config.dataDir, 'uploads')).catch(() => []);
    expect(files).toEqual([]);
  });

  it('lets only operators upload, and answers 404 for an unknown cluster', async () => {
    expect((await upload('{}', 'viewer')).status).toBe(403);
    const missing = await api.call('POST', '/api/v1/clusters/00000000-0000-4000-8000-000000000000/flow-imports', {
      role: 'operator',
      raw: '{}',
    });
    expect(missing.status).toBe(404);
    const list = await api.call('GET', `/api/v1/clusters/${clusterId}/flow-imports`, { role: 'viewer' });
    expect(list.body.items).toHaveLength(3);
  });
});
