import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { simulateCommand } from '../../apps/cli/src/commands/simulate';
import { type Harness, startApi } from './support/harness';

const snapshot = YAML.parse(readFileSync(join(__dirname, '..', 'fixtures', 'small-snapshot.yaml'), 'utf8'));
const input = {
  snapshot,
  probes: [
    { from: 'web/frontend-7c9d8f6b5-x2k4q', to: 'db/postgres-0', port: 5432, protocol: 'TCP' },
    { from: 'db/postgres-0', to: 'api/orders-api-5f6d7c8b9-abcde', port: 'http' },
    { from: '203.0.113.9', to: 'db/postgres-0', port: 5432 },
  ],
};

async function viaCli(body: unknown): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await simulateCommand.run(['input.json'], {
    out: (t) => (out += t),
    err: (t) => (err += t),
    readFile: async () => JSON.stringify(body),
    readStdin: async () => '',
    env: () => undefined,
  });
  return { code, out, err };
}

let api: Harness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

describe('POST /api/v1/simulate', () => {
  it('answers exactly what `bulkhead simulate` prints for the same input', async () => {
    const res = await api.call('POST', '/api/v1/simulate', { role: 'viewer', body: input });
    expect(res.status).toBe(200);
    const cli = await viaCli(input);
    expect(cli.code).toBe(0);
    expect(res.body).toEqual(JSON.parse(cli.out));
    expect(res.body.results.map((r: { allowed: boolean }) => r.allowed)).toEqual([true, true, false]);
    expect(res.body.results[2].ingress.policies).toEqual(['db/allow-all-legacy']);
  });

  it('accepts the same input as YAML', async () => {
    const res = await api.call('POST', '/api/v1/simulate', {
      role: 'viewer',
      raw: YAML.stringify(input),
      headers: { 'content-type': 'application/yaml' },
    });
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(3);
  });

  it('answers 400 naming the probe field when a pod does not exist, as the CLI exits non-zero', async () => {
    const bad = { ...input, probes: [{ from: 'web/nope', to: 'db/postgres-0', port: 5432 }] };
    const res = await api.call('POST', '/api/v1/simulate', { role: 'viewer', body: bad });
    expect(res.status).toBe(400);
    expect(res.body.problems[0].field).toBe('body.probes[0].from');
    const cli = await viaCli(bad);
    expect(cli.code).not.toBe(0);
    expect(cli.err).toContain('probes[0].from');
  });
});
