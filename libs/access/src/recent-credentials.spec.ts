import { RecentCredentials } from './recent-credentials';
import type { TokenRecord, TokenStore } from './tokens';
import type { SessionStore, UserRecord, UserStore } from './users';

const user: UserRecord = { id: 'u1', username: 'ada', role: 'operator', createdAt: new Date(0), disabledAt: null };
const token = (id: string): TokenRecord => ({
  id,
  name: id,
  role: 'viewer',
  prefix: 'bh_x',
  owner: { id: 'u1', username: 'ada' },
  createdAt: new Date(0),
  expiresAt: null,
  lastUsedAt: null,
  revokedAt: null,
});

/** Token and session tables in memory, counting the reads that reach them. */
function tables() {
  const tokens = new Map<string, TokenRecord>([['hash-a', token('a')]]);
  const sessions = new Map([['session-a', { csrfToken: 'c', expiresAt: new Date(10_000), user }]]);
  const reads = { tokens: 0, sessions: 0 };
  let pendingRead: (() => void) | undefined;
  const tokenStore: TokenStore = {
    findActiveByHash: async (hash) => {
      reads.tokens += 1;
      const found = tokens.get(hash);
      const answer = found && !found.revokedAt ? { ...found } : null;
      if (pendingRead === undefined) return answer;
      await new Promise<void>((resolve) => (pendingRead = resolve));
      return answer;
    },
    findByHash: async (hash) => tokens.get(hash) ?? null,
    create: async () => token('new'),
    touch: async () => undefined,
    list: async () => [...tokens.values()],
    revoke: async (id) => {
      for (const t of tokens.values()) if (t.id === id) t.revokedAt = new Date(1);
      return true;
    },
    countActive: async () => tokens.size,
  };
  const sessionStore: SessionStore = {
    findValid: async (hash, now) => {
      reads.sessions += 1;
      const found = sessions.get(hash);
      return found && found.expiresAt > now ? found : null;
    },
    create: async () => undefined,
    delete: async (hash) => void sessions.delete(hash),
  };
  const userStore: UserStore = {
    create: async () => user,
    findByUsername: async () => null,
    list: async () => [user],
    countActive: async () => 1,
    disable: async () => {
      tokens.clear();
      sessions.clear();
      return { ...user, disabledAt: new Date(1) };
    },
    changeRole: async (_id, role) => ({ ...user, role }),
    remove: async () => {
      tokens.clear();
      sessions.clear();
      return user;
    },
    findById: async () => null,
    setPassword: async () => {
      sessions.clear();
      return user;
    },
  };
  return {
    tokens,
    reads,
    tokenStore,
    sessionStore,
    userStore,
    holdNextTokenRead: () => (pendingRead = () => undefined),
    releaseTokenRead: () => {
      const release = pendingRead;
      pendingRead = undefined;
      release?.();
    },
  };
}

describe('recent credentials', () => {
  let now = 0;
  const recent = () => new RecentCredentials(2000, () => now);
  beforeEach(() => (now = 0));

  it('answers a token found a moment ago without asking the store, and asks again once the time is over', async () => {
    const t = tables();
    const tokens = recent().tokenStore(t.tokenStore);
    expect((await tokens.findActiveByHash('hash-a'))?.id).toBe('a');
    now = 1999;
    expect((await tokens.findActiveByHash('hash-a'))?.id).toBe('a');
    expect(t.reads.tokens).toBe(1);
    now = 2000;
    await tokens.findActiveByHash('hash-a');
    expect(t.reads.tokens).toBe(2);
  });

  it('never keeps a token that was not found, so made-up tokens cannot fill it', async () => {
    const t = tables();
    const tokens = recent().tokenStore(t.tokenStore);
    for (let i = 0; i < 3; i++) expect(await tokens.findActiveByHash('made-up')).toBeNull();
    expect(t.reads.tokens).toBe(3);
  });

  it('refuses a revoked token at once when the revocation goes through it', async () => {
    const t = tables();
    const tokens = recent().tokenStore(t.tokenStore);
    await tokens.findActiveByHash('hash-a');
    await tokens.revoke('a', new Date(1));
    expect(await tokens.findActiveByHash('hash-a')).toBeNull();
  });

  it('forgets tokens and sessions when a user is disabled or signs out', async () => {
    const t = tables();
    const credentials = recent();
    const [tokens, sessions, users] = [
      credentials.tokenStore(t.tokenStore),
      credentials.sessionStore(t.sessionStore),
      credentials.userStore(t.userStore),
    ];
    await tokens.findActiveByHash('hash-a');
    await sessions.findValid('session-a', new Date(0));
    await users.disable('u1', new Date(1), () => undefined);
    expect(await tokens.findActiveByHash('hash-a')).toBeNull();
    expect(await sessions.findValid('session-a', new Date(0))).toBeNull();
  });

  it("checks a kept session's expiry against the time of each request", async () => {
    const t = tables();
    const sessions = recent().sessionStore(t.sessionStore);
    expect(await sessions.findValid('session-a', new Date(9_000))).not.toBeNull();
    expect(await sessions.findValid('session-a', new Date(10_000))).toBeNull();
    expect(t.reads.sessions).toBe(1);
  });

  it('does not keep an answer read while a revocation was under way', async () => {
    const t = tables();
    const tokens = recent().tokenStore(t.tokenStore);
    t.holdNextTokenRead();
    const reading = tokens.findActiveByHash('hash-a'); // read before the revocation, answered after it
    await tokens.revoke('a', new Date(1));
    t.releaseTokenRead();
    expect((await reading)?.id).toBe('a');
    expect(await tokens.findActiveByHash('hash-a')).toBeNull();
  });

  it('lets the requests that name a token while it is read share that read, none of them given a read older than it', async () => {
    const t = tables();
    const tokens = recent().tokenStore(t.tokenStore);
    t.holdNextTokenRead();
    const first = tokens.findActiveByHash('hash-a');
    const meanwhile = [tokens.findActiveByHash('hash-a'), tokens.findActiveByHash('hash-a'), tokens.findActiveByHash('hash-a')];
    await tokens.revoke('a', new Date(1));
    t.releaseTokenRead();
    expect((await first)?.id).toBe('a');
    // they asked while the first read was under way: they share the next read, which sees the revocation
    expect(await Promise.all(meanwhile)).toEqual([null, null, null]);
    expect(t.reads.tokens).toBe(2);
  });

  it('checks the expiry of a session read for several requests against the time of each', async () => {
    const t = tables();
    const sessions = recent().sessionStore(t.sessionStore);
    const [first, second, third] = [
      sessions.findValid('session-a', new Date(9_000)),
      sessions.findValid('session-a', new Date(9_000)),
      sessions.findValid('session-a', new Date(10_000)),
    ];
    expect(await first).not.toBeNull();
    expect(await second).not.toBeNull();
    expect(await third).toBeNull();
    expect(t.reads.sessions).toBe(2);
  });
});
