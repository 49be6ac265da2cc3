import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Which database an install works on: its name on the server and the id the install was given there. */
export interface DatabaseIdentity {
  database: string;
  installId: string;
}

const describe = (identity: DatabaseIdentity) => `database "${identity.database}" (install ${identity.installId})`;

/**
 * The queue prefix of an install that sets none: "bulkhead-" and a short hash of its database's identity.
 * Two installs on one Redis then never share queues, and every process of one install (API, workers)
 * finds the same prefix without being told.
 */
export function defaultQueuePrefix(identity: DatabaseIdentity): string {
  return `bulkhead-${createHash('sha256').update(`${identity.installId}/${identity.database}`).digest('hex').slice(0, 12)}`;
}

/** The Redis key, beside the queues, that names the database a prefix belongs to. */
export const prefixOwnerKey = (prefix: string) => `${prefix}:owner`;

export class QueuePrefixTaken extends Error {
  constructor(prefix: string, owner: string, identity: DatabaseIdentity) {
    super(
      `Queue prefix "${prefix}" in this Redis belongs to ${owner}, not to ${describe(identity)}: two installs sharing queues take each other's jobs. ` +
        `Unset BULKHEAD_QUEUE_PREFIX (each install then derives its own) or give this install a prefix of its own. ` +
        `If that other database is gone for good, delete the Redis key "${prefixOwnerKey(prefix)}".`,
    );
    this.name = 'QueuePrefixTaken';
  }
}

/**
 * Marks `prefix` as this database's in Redis, or throws QueuePrefixTaken when another database holds it.
 * Safe to call again at any time (after Redis lost its data, say): it re-creates a missing mark.
 */
export async function claimQueuePrefix(redis: Redis, prefix: string, identity: DatabaseIdentity): Promise<void> {
  const key = prefixOwnerKey(prefix);
  const mine = describe(identity);
  const owner = (await redis.set(key, mine, 'NX')) === 'OK' ? mine : await redis.get(key);
  if (owner !== null && owner !== mine) throw new QueuePrefixTaken(prefix, owner, identity);
}

/** The prefix this install's queues live under: the one configured, or the database's own; claimed either way. */
export async function resolveQueuePrefix(redis: Redis, configured: string | undefined, identity: DatabaseIdentity): Promise<string> {
  const prefix = configured ?? defaultQueuePrefix(identity);
  await claimQueuePrefix(redis, prefix, identity);
  return prefix;
}
