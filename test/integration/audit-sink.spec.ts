import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Harness, startApi } from './support/harness';

/** The chain as the database holds it, for comparing with what a sink received. */
const chain = async (api: Harness) =>
  api.db.query<Array<{ position: number; hash: string }>>(
    `SELECT position::int AS position, encode(hash, 'hex') AS hash FROM audit_log ORDER BY position`,
  );

const createClusters = async (api: Harness, names: string[]) => {
  for (const name of names)
    expect((await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name, cni: 'calico' } })).status).toBe(201);
};

describe('streaming the audit log to a JSON-lines file', () => {
  let api: Harness;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bulkhead-audit-sink-'));
    api = await startApi({ BULKHEAD_AUDIT_SINK: `file:${join(dir, 'audit.jsonl')}` }, { worker: true });
  });
  afterAll(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('appends every entry once delivered, in chain order, with its position and hashes', async () => {
    await createClusters(api, ['sink-a', 'sink-b', 'sink-c']);
    const expected = await chain(api);
    const read = async () =>
      (await readFile(join(dir, 'audit.jsonl'), 'utf8').catch(() => ''))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line));
    const lines = await api.waitFor(read, (entries) => entries.length >= expected.length);
    expect(lines.map((e) => ({ position: e.position, hash: e.hash }))).toEqual(expected);
    expect(lines.filter((e) => e.action === 'cluster.create').map((e) => e.target)).toEqual(['sink-a', 'sink-b', 'sink-c']);
    expect(lines[1].previousHash).toBe(lines[0].hash);

    await createClusters(api, ['sink-d']);
    const more = await api.waitFor(read, (entries) => entries.length > expected.length);
    expect(more.map((e) => e.position)).toEqual(more.map((_, i) => i + 1));
    expect(more[more.length - 1].target).toBe('sink-d');
  });
});

describe('streaming the audit log to a webhook', () => {
  let api: Harness;
  let receiver: Server;
  /** Every request the receiver got: when, and the positions in its body. */
  const requests: Array<{ at: number; positions: number[]; accepted: boolean }> = [];
  let refuseNext = 2;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const accepted = refuseNext-- <= 0;
        const positions = body
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line).position);
        requests.push({ at: Date.now(), positions, accepted });
        res.statusCode = accepted ? 204 : 503;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as AddressInfo).port;
    api = await startApi({ BULKHEAD_AUDIT_SINK: `http://127.0.0.1:${port}/audit` }, { worker: true });
  });
  afterAll(async () => {
    await api.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('retries a failing webhook with a growing delay, then delivers every entry in chain order', async () => {
    await createClusters(api, ['hook-a', 'hook-b']);
    const expected = (await chain(api)).map((e) => e.position);
    const delivered = () => requests.filter((r) => r.accepted).flatMap((r) => r.positions);
    await api.waitFor(
      async () => delivered(),
      (positions) => positions.length >= expected.length,
      20_000,
    );

    const [first, second, third] = requests;
    if (!first || !second || !third) throw new Error(`expected three requests to the sink, got ${requests.length}`);
    expect([first.accepted, second.accepted, third.accepted]).toEqual([false, false, true]);
    expect(second.positions[0]).toBe(first.positions[0]); // the refused batch is sent again, from the same place
    expect(third.positions[0]).toBe(1);
    expect(second.at - first.at).toBeGreaterThanOrEqual(450);
    expect(third.at - second.at).toBeGreaterThanOrEqual(950);
    expect(delivered()).toEqual(expected.slice(0, delivered().length));
  });
});
