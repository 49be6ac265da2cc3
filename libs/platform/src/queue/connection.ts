import { Redis } from 'ioredis';

/**
 * BullMQ needs `maxRetriesPerRequest: null` on connections that block (workers). Whoever creates a
 * connection here owns it and must quit() it: BullMQ does not close connections it was given.
 */
export function createRedis(url: string, purpose: 'worker' | 'client'): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: purpose === 'worker' ? null : 3,
    enableReadyCheck: true,
    lazyConnect: false,
  });
}
