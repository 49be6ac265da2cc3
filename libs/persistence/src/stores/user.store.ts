import type { Role } from '@bulkhead/contracts';
import { AccessError, type SessionStore, type UserRecord, type UserStore } from '@bulkhead/access';
import { type DataSource, IsNull, LessThan } from 'typeorm';
import { ApiTokenEntity } from '../entities/api-token.entity';
import { SessionEntity, UserEntity } from '../entities/user.entities';
import { isUniqueViolation } from './cluster.store';

const toRecord = (e: UserEntity): UserRecord => ({
  id: e.id,
  username: e.username,
  role: e.role as Role,
  createdAt: e.createdAt,
  disabledAt: e.disabledAt,
});

export class TypeOrmUserStore implements UserStore {
  constructor(private readonly db: DataSource) {}

  private get repo() {
    return this.db.getRepository(UserEntity);
  }

  async create(input: { username: string; passwordHash: string; role: Role }): Promise<UserRecord> {
    try {
      return toRecord(await this.repo.save(this.repo.create({ ...input, disabledAt: null })));
    } catch (error) {
      if (isUniqueViolation(error, 'uq_users_username')) {
        throw new AccessError('user.username_taken', `a user named "${input.username}" already exists`, {
          problems: [{ field: 'username', reason: 'is already taken' }],
        });
      }
      throw error;
    }
  }

  async findByUsername(username: string) {
    const e = await this.repo.createQueryBuilder('u').where('lower(u.username) = lower(:username)', { username }).getOne();
    return e ? { ...toRecord(e), passwordHash: e.passwordHash } : null;
  }

  async list(): Promise<UserRecord[]> {
    return (await this.repo.find({ order: { username: 'ASC' } })).map(toRecord);
  }

  async countActive(): Promise<number> {
    return this.repo.countBy({ disabledAt: IsNull() });
  }

  disable(id: string, at: Date, allow: (target: UserRecord, enabledAdminIds: string[]) => void): Promise<UserRecord | null> {
    return this.db.transaction(async (tx) => {
      // Locked in one order until the commit: a disable running at the same time waits here, then sees this one's outcome.
      const admins: { id: string }[] = await tx.query(
        `SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE`,
      );
      const users = tx.getRepository(UserEntity);
      const target = await users.findOneBy({ id });
      if (!target) return null;
      if (target.disabledAt) return toRecord(target);
      allow(
        toRecord(target),
        admins.map((admin) => admin.id),
      );
      await users.update({ id, disabledAt: IsNull() }, { disabledAt: at });
      await tx.getRepository(SessionEntity).delete({ userId: id });
      await tx.getRepository(ApiTokenEntity).update({ ownerId: id, revokedAt: IsNull() }, { revokedAt: at });
      const user = await users.findOneBy({ id });
      return user && toRecord(user);
    });
  }
}

export class TypeOrmSessionStore implements SessionStore {
  constructor(private readonly db: DataSource) {}

  async create(input: { userId: string; tokenHash: string; csrfToken: string; expiresAt: Date }): Promise<void> {
    const repo = this.db.getRepository(SessionEntity);
    await repo.save(repo.create(input));
  }

  async findValid(tokenHash: string, now: Date) {
    const session = await this.db.getRepository(SessionEntity).findOneBy({ tokenHash });
    if (!session || session.expiresAt <= now) return null;
    const user = await this.db.getRepository(UserEntity).findOneBy({ id: session.userId, disabledAt: IsNull() });
    return user ? { csrfToken: session.csrfToken, expiresAt: session.expiresAt, user: toRecord(user) } : null;
  }

  async delete(tokenHash: string): Promise<void> {
    await this.db.getRepository(SessionEntity).delete({ tokenHash });
  }

  async deleteExpired(now: Date): Promise<number> {
    return (await this.db.getRepository(SessionEntity).delete({ expiresAt: LessThan(now) })).affected ?? 0;
  }
}
