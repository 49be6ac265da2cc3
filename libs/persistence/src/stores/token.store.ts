import type { Role } from '@bulkhead/contracts';
import type { NewToken, TokenRecord, TokenStore } from '@bulkhead/access';
import { type DataSource, IsNull } from 'typeorm';
import { ApiTokenEntity } from '../entities/api-token.entity';

interface Row {
  id: string;
  name: string;
  role: string;
  prefix: string;
  owner_id: string;
  owner_username: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const toRecord = (r: Row): TokenRecord => ({
  id: r.id,
  name: r.name,
  role: r.role as Role,
  prefix: r.prefix,
  owner: { id: r.owner_id, username: r.owner_username },
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

const SELECT = `SELECT t.id, t.name, t.role, t.prefix, t.owner_id, u.username AS owner_username, t.created_at, t.expires_at, t.last_used_at, t.revoked_at
  FROM api_tokens t JOIN users u ON u.id = t.owner_id`;

export class TypeOrmTokenStore implements TokenStore {
  constructor(private readonly db: DataSource) {}

  private get repo() {
    return this.db.getRepository(ApiTokenEntity);
  }

  private async one(where: string, params: unknown[]): Promise<TokenRecord | null> {
    const [row]: Row[] = await this.db.query(`${SELECT} WHERE ${where}`, params);
    return row ? toRecord(row) : null;
  }

  async create(input: NewToken & { tokenHash: string; prefix: string }): Promise<TokenRecord> {
    const saved = await this.repo.save(this.repo.create({ ...input, lastUsedAt: null, revokedAt: null }));
    return (await this.one('t.id = $1', [saved.id]))!;
  }

  findActiveByHash(hash: string): Promise<TokenRecord | null> {
    // The owner's state is read too, not only the revocation that disabling writes: a token of a disabled user never lets anyone in.
    return this.one('t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL', [hash]);
  }

  findByHash(hash: string): Promise<TokenRecord | null> {
    return this.one('t.token_hash = $1', [hash]);
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.repo.update({ id }, { lastUsedAt: at });
  }

  async list(): Promise<TokenRecord[]> {
    const rows: Row[] = await this.db.query(`${SELECT} ORDER BY t.created_at, t.id`);
    return rows.map(toRecord);
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    return ((await this.repo.update({ id, revokedAt: IsNull() }, { revokedAt: at })).affected ?? 0) > 0;
  }

  async countActive(): Promise<number> {
    return this.repo.countBy({ revokedAt: IsNull() });
  }
}
