import type { Role } from '@bulkhead/contracts';
import type { TokenRecord, TokenStore } from '@bulkhead/access';
import { type DataSource, IsNull } from 'typeorm';
import { ApiTokenEntity } from '../entities/api-token.entity';

const toRecord = (e: ApiTokenEntity): TokenRecord => ({
  id: e.id,
  name: e.name,
  role: e.role as Role,
  prefix: e.prefix,
  createdAt: e.createdAt,
  lastUsedAt: e.lastUsedAt,
  revokedAt: e.revokedAt,
});

export class TypeOrmTokenStore implements TokenStore {
  constructor(private readonly db: DataSource) {}

  private get repo() {
    return this.db.getRepository(ApiTokenEntity);
  }

  async create(input: { name: string; role: Role; tokenHash: string; prefix: string }): Promise<TokenRecord> {
    return toRecord(await this.repo.save(this.repo.create({ ...input, lastUsedAt: null, revokedAt: null })));
  }

  async findActiveByHash(hash: string): Promise<TokenRecord | null> {
    const e = await this.repo.findOneBy({ tokenHash: hash, revokedAt: IsNull() });
    return e && toRecord(e);
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.repo.update({ id }, { lastUsedAt: at });
  }

  async list(): Promise<TokenRecord[]> {
    return (await this.repo.find({ order: { createdAt: 'ASC' } })).map(toRecord);
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    return ((await this.repo.update({ id, revokedAt: IsNull() }, { revokedAt: at })).affected ?? 0) > 0;
  }

  async countActive(): Promise<number> {
    return this.repo.countBy({ revokedAt: IsNull() });
  }
}
