import { SIGN_IN_LIMITS } from '@bulkhead/access';
import { type Harness, startApi, USER_PASSWORD } from '../integration/support/harness';
import { signInFrom } from './support/from-address';

/**
 * Guessing passwords: failed sign-ins are counted per account and per client address in Redis, the
 * account's block doubles with every failure past the free ones, the right password is refused
 * during a block, and every failure is in the audit log with the name tried and the address,
 * never the password.
 */
let api: Harness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const WRONG = 'not-the-password-0123';
const FREE = SIGN_IN_LIMITS.freeFailuresPerAccount;

async function auditOf(actions: string[]): Promise<Array<{ actor: string; action: string; details: any }>> {
  return api.db.query(`SELECT actor, action, details FROM audit_log WHERE action = ANY($1) ORDER BY id`, [actions]);
}

describe("guessing one account's password", () => {
  it('260 wrong passwords in a row: 401 for the free failures, then 429 with Retry-After; every failure audited without the password', async () => {
    const statuses: number[] = [];
    const retryAfters: number[] = [];
    for (let i = 0; i < 260; i++) {
      const answer = await signInFrom('127.0.0.10', api.url, 'operator-user', WRONG);
      statuses.push(answer.status);
      if (answer.status === 429) {
        retryAfters.push(Number(answer.headers['retry-after']));
        expect(answer.body.code).toBe('auth.throttled');
      }
    }
    expect(statuses.slice(0, FREE + 1)).toEqual(Array(FREE + 1).fill(401));
    expect(statuses[FREE + 1]).toBe(429);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    const failures = statuses.filter((s) => s === 401).length;
    // Blocks of 1 s, 2 s, 4 s...: in the seconds the loop takes, only a few more guesses get through.
    expect(failures).toBeLessThanOrEqual(FREE + 4);
    expect(retryAfters.every((s) => s >= 1 && s <= SIGN_IN_LIMITS.maxBlockSeconds)).toBe(true);

    const audited = await api.waitFor(
      () => auditOf(['auth.login_failed']),
      (rows) => rows.length >= failures,
    );
    expect(audited).toHaveLength(failures);
    for (const row of audited) {
      expect(row.actor).toBe('user:operator-user');
      expect(row.details).toMatchObject({
        status: 401,
        code: 'auth.bad_credentials',
        address: '127.0.0.10',
        method: 'POST',
        path: '/api/v1/auth/login',
      });
    }
    const everything = JSON.stringify(await api.db.query(`SELECT * FROM audit_log`));
    expect(everything).not.toContain(WRONG);
    expect((await auditOf(['auth.throttled'])).length).toBeGreaterThan(0);
  });

  it('refuses the right password during a block, lets it in once the block ends, and then starts counting afresh', async () => {
    for (let i = 0; i < FREE + 1; i++) expect((await signInFrom('127.0.0.11', api.url, 'approver-user', WRONG)).status).toBe(401);
    const during = await signInFrom('127.0.0.11', api.url, 'approver-user', USER_PASSWORD);
    expect(during.status).toBe(429);
    expect(during.cookie).toBe('');
    const retryAfter = Number(during.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);

    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 200));
    const after = await signInFrom('127.0.0.11', api.url, 'approver-user', USER_PASSWORD);
    expect(after.status).toBe(200);
    expect(after.cookie).toMatch(/^bh_session=/);
    // The success forgot the failures: the free ones are free again.
    for (let i = 0; i < FREE; i++) expect((await signInFrom('127.0.0.11', api.url, 'approver-user', WRONG)).status).toBe(401);
  });

  it('keeps the counts in Redis under the queue prefix, where every API replica reads them', async () => {
    const keys = await api.runtime.redis.keys(`${api.queuePrefix}:sign-in:*`);
    expect(keys.some((k) => k.startsWith(`${api.queuePrefix}:sign-in:account-failures:`))).toBe(true);
    expect(keys.some((k) => k.startsWith(`${api.queuePrefix}:sign-in:address-failures:`))).toBe(true);
  });
});

describe('guessing in parallel', () => {
  it('100 wrong passwords at once from one address for one account get no more 401s than in a row, and the right one is refused during the block', async () => {
    await api.call('POST', '/api/v1/users', { body: { username: 'quinn', password: USER_PASSWORD, role: 'viewer' } });
    const answers = await Promise.all(Array.from({ length: 100 }, () => signInFrom('127.0.0.40', api.url, 'quinn', WRONG)));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(FREE + 1);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(100 - FREE - 1);
    for (const refused of answers.filter((answer) => answer.status === 429))
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    const right = await signInFrom('127.0.0.40', api.url, 'quinn', USER_PASSWORD);
    expect(right.status).toBe(429);
    expect(right.cookie).toBe('');
  });
});

describe('an attacker cannot lock the owner out', () => {
  it('an account blocked by guesses from elsewhere still lets its owner in from an address they signed in from', async () => {
    await api.call('POST', '/api/v1/users', { body: { username: 'dana', password: USER_PASSWORD, role: 'viewer' } });
    expect((await signInFrom('127.0.0.20', api.url, 'dana', USER_PASSWORD)).status).toBe(200);
    for (let i = 0; i < FREE + 3; i++) await signInFrom('127.0.0.21', api.url, 'dana', WRONG);
    expect((await signInFrom('127.0.0.21', api.url, 'dana', USER_PASSWORD)).status).toBe(429);
    expect((await signInFrom('127.0.0.22', api.url, 'dana', USER_PASSWORD)).status).toBe(429);
    expect((await signInFrom('127.0.0.20', api.url, 'dana', USER_PASSWORD)).status).toBe(200);
  });
});

describe('guessing across accounts from one address', () => {
  it(`blocks the address after ${SIGN_IN_LIMITS.failuresPerAddress} failures, whatever the accounts, and only that address`, async () => {
    for (let i = 0; i < SIGN_IN_LIMITS.failuresPerAddress; i++) {
      expect((await signInFrom('127.0.0.30', api.url, `sprayed-${i}`, WRONG)).status).toBe(401);
    }
    const blocked = await signInFrom('127.0.0.30', api.url, 'viewer-user', USER_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(SIGN_IN_LIMITS.addressBlockSeconds - 10);
    expect((await signInFrom('127.0.0.31', api.url, 'viewer-user', USER_PASSWORD)).status).toBe(200);
  });
});
