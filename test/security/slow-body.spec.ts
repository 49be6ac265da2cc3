import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Harness, startApi } from '../integration/support/harness';
import { type RawClient, rawClientsPerTest } from './support/raw-http';

/**
 * Issue 11, finding 4: slow bodies were held for 300 s. Headers must arrive within the headers
 * timeout, a body must not pause longer than the idle timeout, and a body read into memory must
 * arrive within the body timeout: each answers 408 and closes. A flow upload that keeps moving is
 * not cut off by the body timeout. (Timeouts shortened here: 1 s headers and idle, 3 s body.)
 */
let api: Harness;
const open = rawClientsPerTest(() => api.url);

beforeAll(async () => {
  api = await startApi({ BULKHEAD_HEADERS_TIMEOUT_S: '1', BULKHEAD_BODY_IDLE_TIMEOUT_S: '1', BULKHEAD_BODY_TIMEOUT_S: '3' });
});
afterAll(() => api.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes `bytes` one byte at a time, every `everyMs`, while the connection lasts. */
async function trickle(client: RawClient, bytes: number, everyMs: number): Promise<void> {
  for (let i = 0; i < bytes && client.socket.writable; i++) {
    client.socket.write('a');
    await sleep(everyMs);
  }
}

describe('a client that sends slowly', () => {
  it('headers that never end: 408 from the server, and the connection closes', async () => {
    const client = await open();
    client.socket.write('POST /api/v1/clusters HTTP/1.1\r\nHost: bulkhead.test\r\nX-Slow: ');
    const started = Date.now();
    const answer = await client.response(5000);
    await client.closed;
    expect(answer.status).toBe(408);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('a body that stops halfway: 408 after the idle timeout, and the connection closes', async () => {
    const client = await open();
    client.sendHead('POST', '/api/v1/clusters', {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${api.tokens.operator}`,
      'Content-Length': 100,
    });
    client.socket.write('{"name":');
    const started = Date.now();
    const answer = await client.response(5000);
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'request.timeout', message: expect.stringContaining('sent nothing for 1 s') });
    expect(answer.headers.connection).toBe('close');
    expect(Date.now() - started).toBeLessThan(2500);
    await client.closed;
  });

  it('a body trickled a byte every 300 ms, never idle: 408 once the body timeout has passed', async () => {
    const client = await open();
    client.sendHead('POST', '/api/v1/clusters', {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${api.tokens.operator}`,
      'Content-Length': 1000,
    });
    const started = Date.now();
    const [answer] = await Promise.all([client.response(8000), trickle(client, 1000, 300)]);
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body).message).toContain('did not arrive within 3 s');
    expect(Date.now() - started).toBeLessThan(5000);
    await client.closed;
  });

  it('a flow upload that keeps moving for longer than the body timeout is taken in full', async () => {
    const cluster = await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'slow-upload', cni: 'calico' } });
    const flows = readFileSync(join(__dirname, '../fixtures/small-flows.hubble.jsonl'));
    const client = await open();
    client.sendHead('POST', `/api/v1/clusters/${cluster.body.id}/flow-imports?fileName=slow.jsonl`, {
      Authorization: `Bearer ${api.tokens.operator}`,
      'Content-Length': flows.length,
    });
    const pieces = 15;
    const size = Math.ceil(flows.length / pieces);
    const started = Date.now();
    for (let i = 0; i < pieces; i++) {
      client.socket.write(flows.subarray(i * size, (i + 1) * size));
      await sleep(300);
    }
    const answer = await client.response(5000);
    expect(Date.now() - started).toBeGreaterThan(4000);
    expect(answer.status).toBe(202);
    expect(JSON.parse(answer.body)).toMatchObject({ sizeBytes: flows.length });
  });
});
