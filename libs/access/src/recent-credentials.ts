import { FreshReads } from '@bulkhead/concurrency';
import type { TokenRecord, TokenStore } from './tokens';
import type { SessionStore, UserStore } from './users';

type FoundSession = NonNullable<Awaited<ReturnType<SessionStore['findValid']>>>;

/** At most this many credentials are kept; a caller cannot grow it, since only credentials that exist are kept. */
const KEPT_CREDENTIALS = 10_000;

/**
 * API tokens and sessions as their stores last answered, for `ttlMs`: every request names one, and
 * reading it again from the database on each is most of what a cheap read costs. Only credentials
 * that were found are kept (a stranger's made-up token is looked up every time), an expiry is checked
 * against the clock on every use, and any change through these stores (a revocation, a disabled user,
 * a sign-out, a new credential) forgets them all at once. A change made by another process is seen
 * within `ttlMs` -- the window Kubernetes itself accepts, by default for two minutes, when it caches
 * token reviews; ours is seconds. When a credential has to be read again, the requests that name it
 * meanwhile share one read that started after they asked (FreshReads), rather than each sending its own
 * to the database the moment its time is over.
 */
export class RecentCredentials {
  private readonly tokens = new Map<string, { record: TokenRecord; keptUntil: number }>();
  private readonly sessions = new Map<string, { found: FoundSession; keptUntil: number }>();
  private readonly tokenReads = new FreshReads<TokenRecord | null>();
  private readonly sessionReads = new FreshReads<FoundSession | null>();
  /** Counts the forgettings: an answer read while a change was under way is not kept. */
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number,
  ) {}

  /** The token store, reading through the kept tokens. */
  tokenStore(store: TokenStore): TokenStore {
    return {
      findActiveByHash: async (hash) => {
        const kept = this.tokens.get(hash);
        if (kept && kept.keptUntil > this.clock()) return kept.record;
        const generation = this.generation;
        const record = await this.tokenReads.read(hash, () => store.findActiveByHash(hash));
        if (record && generation === this.generation) this.keep(this.tokens, hash, { record, keptUntil: this.clock() + this.ttlMs });
        return record;
      },
      findByHash: (hash) => store.findByHash(hash),
      list: () => store.list(),
      countActive: () => store.countActive(),
      create: (input) => this.forgetting(store.create(input)),
      touch: (id, at) => this.forgetting(store.touch(id, at)),
      revoke: (id, at) => this.forgetting(store.revoke(id, at)),
    };
  }

  /** The session store, reading through the kept sessions (their expiry checked on each use). */
  sessionStore(store: SessionStore): SessionStore {
    return {
      findValid: async (hash, now) => {
        const kept = this.sessions.get(hash);
        if (kept && kept.keptUntil > this.clock()) return kept.found.expiresAt > now ? kept.found : null;
        const generation = this.generation;
        // A shared read was asked for the time of the first of its callers: each checks its own.
        const found = await this.sessionReads.read(hash, () => store.findValid(hash, now));
        if (found && generation === this.generation) this.keep(this.sessions, hash, { found, keptUntil: this.clock() + this.ttlMs });
        return found && found.expiresAt > now ? found : null;
      },
      create: (input) => this.forgetting(store.create(input)),
      delete: (hash) => this.forgetting(store.delete(hash)),
    };
  }

  /**
   * The user store: disabling or removing a user, a new role or a new password all change what a
   * kept session or token stands for, so each forgets them all.
   */
  userStore(store: UserStore): UserStore {
    return {
      create: (input) => store.create(input),
      findByUsername: (username) => store.findByUsername(username),
      findById: (id) => store.findById(id),
      list: () => store.list(),
      countActive: () => store.countActive(),
      disable: (id, at, allow) => this.forgetting(store.disable(id, at, allow)),
      changeRole: (id, role, allow) => this.forgetting(store.changeRole(id, role, allow)),
      remove: (id, allow) => this.forgetting(store.remove(id, allow)),
      setPassword: (id, hash, keep) => this.forgetting(store.setPassword(id, hash, keep)),
    };
  }

  /** Forgets before the change and again once it is made; a read that overlapped either keeps nothing (see `generation`). */
  private async forgetting<T>(change: Promise<T>): Promise<T> {
    this.forget();
    try {
      return await change;
    } finally {
      this.forget();
    }
  }

  private forget(): void {
    this.generation += 1;
    this.tokens.clear();
    this.sessions.clear();
  }

  private keep<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > KEPT_CREDENTIALS) map.delete(map.keys().next().value!);
  }
}
