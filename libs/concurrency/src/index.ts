// @bulkhead/concurrency: the throughput machinery of the loops that share a database (queues per key,
// bounded parallelism, group commit, read de-duplication, fresh reads shared, a newest-version cache).
// Promises only: no timers, no I/O, so each piece is tested alone, fast and exactly.
export { KeyedQueue } from './keyed-queue';
export { Semaphore } from './semaphore';
export { GroupCommit, type Commit, type Schedule, type Settled } from './group-commit';
export { SingleFlight } from './single-flight';
export { VersionedCache } from './versioned-cache';
export { FreshReads } from './fresh-reads';
