import type { Role } from '@bulkhead/contracts';
import { AccessError, type AdminGuard, type SessionStore, type UserRecord, type UserStore } from '@bulkhead/access';
import { type DataSource, type EntityManager, IsNull, LessThan, Not } from 'typeorm';
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

  disable(id: string, at: Date, allow: AdminGuard): Promise<UserRecord | null> {
    return this.underAdminLock(id, allow, async (tx, target) => {
      if (target.disabledAt) return toRecord(target);
      await tx.getRepository(UserEntity).update({ id, disabledAt: IsNull() }, { disabledAt: at });
      await tx.getRepository(SessionEntity).delete({ userId: id });
      await tx.getRepository(ApiTokenEntity).update({ ownerId: id, revokedAt: IsNull() }, { revokedAt: at });
      return this.reread(tx, id);
    });
  }

  changeRole(id: string, role: Role, allow: AdminGuard): Promise<UserRecord | null> {
    return this.underAdminLock(id, allow, async (tx) => {
      await tx.getRepository(UserEntity).update({ id }, { role });
      return this.reread(tx, id);
    });
  }

  remove(id: string, allow: AdminGuard): Promise<UserRecord | null> {
    return this.underAdminLock(id, allow, async (tx, target) => {
      // Their tokens go with them (the audit trail keeps what they did); sessions cascade.
      await tx.getRepository(ApiTokenEntity).delete({ ownerId: id });
      await tx.getRepository(UserEntity).delete({ id });
      return toRecord(target);
    });
  }

  async findById(id: string) {
    const e = await this.repo.findOneBy({ id });
    return e ? { ...toRecord(e), passwordHash: e.passwordHash } : null;
  }

  setPassword(id: string, passwordHash: string, keepSessionHash: string | null): Promise<UserRecord | null> {
    return this.db.transaction(async (tx) => {
      const updated = await tx.getRepository(UserEntity).update({ id }, { passwordHash });
      if (!updated.affected) return null;
      const sessions = tx.getRepository(SessionEntity);
      await (keepSessionHash === null ? sessions.delete({ userId: id }) : sessions.delete({ userId: id, tokenHash: Not(keepSessionHash) }));
      return this.reread(tx, id);
    });
  }

  /**
   * Runs `change` on the user once `allow` has seen them and the ids of the enabled admins, in one
   * transaction. Those admins are locked in one order until the commit: a change running at the same
   * time waits here, then sees this one's outcome. Null when there is no such user.
   */
  private underAdminLock(
    id: string,
    allow: AdminGuard,
    change: (tx: EntityManager, target: UserEntity) => Promise<UserRecord | null>,
  ): Promise<UserRecord | null> {
    return this.db.transaction(async (tx) => {
      const admins: { id: string }[] = await tx.query(
        `SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE`,
      );
      const target = await tx.getRepository(UserEntity).findOneBy({ id });
      if (!target) return null;
      allow(
        toRecord(target),
        admins.map((admin) => admin.id),
      );
      return change(tx, target);
    });
  }

  private async reread(tx: EntityManager, id: string): Promise<UserRecord | null> {
    const user = await tx.getRepository(UserEntity).findOneBy({ id });
    return user && toRecord(user);
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
