import type { Socket } from 'node:net';
import { type Harness, startApi } from '../integration/support/harness';
import { type RawClient, rawClientsPerTest, serverSockets } from './support/raw-http';

/**
 * Review of issue 11: every body was read whole before any admission, so a hundred viewers' 50 MB
 * simulations held 5 GB at once. All bodies a process holds in memory now share one budget
 * (BULKHEAD_MAX_BUFFERED_MB, 6 MB here): what does not fit is a 503 with Retry-After, at once when its
 * Content-Length says so, and the budget is whole again once the requests are done.
 */
const MB = 1024 * 1024;
const SIMULATE = '/api/v1/simulate';

let api: Harness;
let serverSide: (client: RawClient) => Socket;
const open = rawClientsPerTest(() => api.url);

beforeAll(async () => {
  api = await startApi({ BULKHEAD_MAX_BUFFERED_MB: '6' });
  serverSide = serverSockets(api.app);
});
afterAll(() => api.close());

const asViewer = () => ({ Authorization: `Bearer ${api.tokens.viewer}`, 'Content-Type': 'application/json' });

/** A simulation whose body is `bytes` of bad JSON: a 400 once read whole, a 503 when it does not fit. */
const simulate = (bytes: number) => fetch(`${api.url}${SIMULATE}`, { method: 'POST', headers: asViewer(), body: 'x'.repeat(bytes) });

/** Sends simulations of `bytes` until one is refused for want of memory: the holder's reservation is then in place. */
async function untilRefused(bytes: number): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if ((await simulate(bytes)).status === 503) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no simulation was refused for want of memory');
}

it('refuses parallel large bodies while one holds the budget, with 503 and Retry-After before reading them, and is whole again afterwards', async () => {
  const holder = await open();
  holder.sendHead('POST', SIMULATE, { ...asViewer(), 'Content-Length': 4 * MB });
  await holder.pour(1 * MB);
  await untilRefused(3 * MB);

  const refused = await Promise.all(
    Array.from({ length: 8 }, async () => {
      const client = await open();
      client.sendHead('POST', SIMULATE, { ...asViewer(), 'Content-Length': 4 * MB });
      const answer = await client.response();
      await client.closed;
      return { answer, bytesRead: serverSide(client).bytesRead };
    }),
  );
  for (const { answer, bytesRead } of refused) {
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body).code).toBe('request.memory_busy');
    expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(answer.headers.connection).toBe('close');
    expect(bytesRead).toBeLessThan(64 * 1024);
  }

  // A chunked body declares nothing: it is cut off once it grows past the 2 MB left.
  const chunked = await open();
  chunked.sendHead('POST', SIMULATE, { ...asViewer(), 'Transfer-Encoding': 'chunked' });
  const [, cutOff] = await Promise.all([chunked.pour(4 * MB, { chunked: true }), chunked.response()]);
  await chunked.closed;
  expect(cutOff.status).toBe(503);
  expect(JSON.parse(cutOff.body).code).toBe('request.memory_busy');
  expect(serverSide(chunked).bytesRead).toBeLessThan(3 * MB);

  // The holder's body arrives in full and is answered (bad JSON); its bytes go back.
  await holder.pour(3 * MB);
  expect((await holder.response()).status).toBe(400);

  // Whole again: a body of nearly the whole budget fits, twice in a row.
  expect((await simulate(5.5 * MB)).status).toBe(400);
  expect((await simulate(5.5 * MB)).status).toBe(400);
});

it('lets through what fits of many parallel uploads and refuses the rest with 503, never anything else', async () => {
  const statuses = (await Promise.all(Array.from({ length: 10 }, () => simulate(4 * MB)))).map((answer) => answer.status);
  expect(statuses.every((status) => status === 400 || status === 503)).toBe(true);
  expect(statuses).toContain(400);
  expect((await simulate(5.5 * MB)).status).toBe(400);
});
