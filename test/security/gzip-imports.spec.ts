import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Harness, startApi } from '../integration/support/harness';

/**
 * Gzip flow files are a format: decompressed while the worker reads them, with the same result as the
 * plain file. A damaged gzip, a gzip bomb or random bytes end `failed` with the reason, never `running`.
 */
const plain = readFileSync(join(__dirname, '..', 'fixtures', 'small-flows.hubble.jsonl'));
const snapshot = readFileSync(join(__dirname, '..', 'fixtures', 'small-snapshot.yaml'), 'utf8');

let api: Harness;

async function importInto(file: Buffer): Promise<any> {
  const clusterId = (
    await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: `c-${randomBytes(4).toString('hex')}`, cni: 'cilium' } })
  ).body.id;
  await api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, {
    role: 'operator',
    raw: snapshot,
    headers: { 'content-type': 'application/yaml' },
  });
  const upload = await api.call('POST', `/api/v1/clusters/${clusterId}/flow-imports?fileName=flows.jsonl.gz`, {
    role: 'operator',
    raw: file,
    headers: { 'content-type': 'application/gzip' },
  });
  expect(upload.status).toBe(202);
  const done = await api.waitFor(
    () => api.call('GET', `/api/v1/flow-imports/${upload.body.id}`, { role: 'viewer' }),
    (r) => r.body.status === 'succeeded' || r.body.status === 'failed',
  );
  return { ...done.body, edges: (await api.call('GET', `/api/v1/clusters/${clusterId}/edges?limit=1000`, { role: 'viewer' })).body.items };
}

beforeAll(async () => {
  api = await startApi({ BULKHEAD_MAX_GUNZIP_MB: '1' }, { worker: true });
});
afterAll(() => api.close());

describe('gzip flow files', () => {
  it('imports a gzip of the sample flows with the same counts and edges as the plain file', async () => {
    const gzipped = gzipSync(plain);
    const [fromPlain, fromGzip] = [await importInto(plain), await importInto(gzipped)];
    expect(fromGzip).toMatchObject({ status: 'succeeded', format: 'hubble', error: null, sizeBytes: gzipped.length });
    const { bytesRead, totalBytes, ...counts } = fromGzip.progress;
    expect([bytesRead, totalBytes]).toEqual([gzipped.length, gzipped.length]);
    const { bytesRead: _b, totalBytes: _t, ...plainCounts } = fromPlain.progress;
    expect(counts).toEqual(plainCounts);
    expect(counts.flowsParsed).toBe(5);
    const shape = (edges: any[]) => edges.map((e) => [e.from, e.to, e.port, e.protocol, e.connections]);
    expect(shape(fromGzip.edges)).toEqual(shape(fromPlain.edges));
  });

  it('fails a truncated gzip with the reason, writing no edge', async () => {
    const gzipped = gzipSync(plain);
    const done = await importInto(gzipped.subarray(0, Math.floor(gzipped.length / 2)));
    expect(done).toMatchObject({ status: 'failed', error: expect.stringMatching(/gzip file is damaged/) });
    expect(done.edges).toEqual([]);
  });

  it('fails a gzip bomb past BULKHEAD_MAX_GUNZIP_MB with the reason', async () => {
    const lines = plain.toString('utf8').split('\n')[0] + '\n';
    const bomb = gzipSync(Buffer.from(lines.repeat(Math.ceil((3 * 1024 * 1024) / lines.length))));
    expect(bomb.length).toBeLessThan(200 * 1024);
    const done = await importInto(bomb);
    expect(done).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/decompresses to more than 1 MB \(BULKHEAD_MAX_GUNZIP_MB\)/),
    });
    expect(done.edges).toEqual([]);
  });

  it('fails random bytes, with and without the gzip magic, with a reason free of control characters', async () => {
    for (const file of [randomBytes(64 * 1024), Buffer.concat([Buffer.from([0x1f, 0x8b]), randomBytes(4096)])]) {
      const done = await importInto(file);
      expect(done.status).toBe('failed');
      expect(done.error).toMatch(/\w/);
      expect(done.error).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    }
  });
});
