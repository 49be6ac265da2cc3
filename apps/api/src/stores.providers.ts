import type {
  ClusterDeps,
  ClusterStore,
  CoverageDeps,
  EdgeDeps,
  FlowSourceDeps,
  InventoryDeps,
  RequestImportDeps,
} from '@bulkhead/inventory';
import { SimulatedDriver, systemResolver } from '@bulkhead/cluster';
import { type AccessDeps, RecentCredentials } from '@bulkhead/access';
import {
  TypeOrmClusterStore,
  TypeOrmEdgeStore,
  TypeOrmFlowImportStore,
  TypeOrmInventoryStore,
  TypeOrmSessionStore,
  TypeOrmTokenStore,
  TypeOrmUserStore,
  PostgresAuditLog,
  PostgresCoverageStore,
  PostgresFlowSourceStore,
  PostgresPlanStore,
  PostgresProtectionSource,
  PostgresRolloutStore,
  PostgresWebhookStore,
} from '@bulkhead/persistence';
import type { WebhookDeps } from '@bulkhead/notifications';
import type { CreateRolloutDeps } from '@bulkhead/rollout';
import { randomUUID } from 'node:crypto';
import type { PlanningDeps } from '@bulkhead/planning';
import { BullJobQueue, BullRolloutDispatcher } from '@bulkhead/jobs';
import { nodeTokenCrypto, scryptPasswordHasher } from '@bulkhead/platform';
import type { Provider } from '@nestjs/common';
import type { AuditLog } from '@bulkhead/audit';
import { RedisSignInThrottle } from './access/redis-sign-in-throttle';
import { ByteBudget } from './http/byte-budget';
import { PageCursors } from './http/page-cursors';
import { RefusalAudit } from './http/refusal-audit';
import { VERSIONED_ANSWERS, VersionedAnswers } from './http/versioned-answers';
import { RUNTIME, type ApiRuntime } from './runtime';
import { WorkThreads } from './work-threads/work-threads';

/** Injection tokens of the ports the controllers use, bound here to their adapters. */
export const CLUSTER_STORE = Symbol('ClusterStore');
export const RECENT_CREDENTIALS = Symbol('RecentCredentials');
export const TOKEN_STORE = Symbol('TokenStore');
export const TOKEN_CRYPTO = Symbol('TokenCrypto');
export const ACCESS_DEPS = Symbol('AccessDeps');
export const AUDIT_LOG = Symbol('AuditLog');
export const CLUSTER_DEPS = Symbol('ClusterDeps');
export const PLANNING_DEPS = Symbol('PlanningDeps');
export const ROLLOUT_DEPS = Symbol('RolloutDeps');
export const ROLLOUT_STORE = Symbol('RolloutStore');
export const INVENTORY_DEPS = Symbol('InventoryDeps');
export const FLOW_IMPORT_DEPS = Symbol('FlowImportDeps');
export const EDGE_DEPS = Symbol('EdgeDeps');
export const FLOW_SOURCE_DEPS = Symbol('FlowSourceDeps');
export const COVERAGE_DEPS = Symbol('CoverageDeps');
export const REFUSAL_AUDIT = Symbol('RefusalAudit');
export const WORK_THREADS = Symbol('WorkThreads');
export const PAGE_CURSORS = Symbol('PageCursors');
export const WEBHOOK_DEPS = Symbol('WebhookDeps');
/** The bytes of request bodies held in memory at once, one budget for the process (BULKHEAD_MAX_BUFFERED_MB). */
export const BUFFERED_BODIES = Symbol('BufferedBodies');

export const storeProviders: Provider[] = [
  { provide: PAGE_CURSORS, inject: [RUNTIME], useFactory: (r: ApiRuntime) => new PageCursors(r.secrets) },
  { provide: WORK_THREADS, inject: [RUNTIME], useFactory: (r: ApiRuntime) => new WorkThreads(r.config.workThreads) },
  { provide: BUFFERED_BODIES, inject: [RUNTIME], useFactory: (r: ApiRuntime) => new ByteBudget(r.config.http.maxBufferedBytes) },
  { provide: CLUSTER_STORE, inject: [RUNTIME], useFactory: (r: ApiRuntime) => new TypeOrmClusterStore(r.db) },
  {
    provide: RECENT_CREDENTIALS,
    inject: [RUNTIME],
    useFactory: (r: ApiRuntime) => new RecentCredentials(r.config.http.credentialCacheMs, () => Date.now()),
  },
  {
    provide: TOKEN_STORE,
    inject: [RUNTIME, RECENT_CREDENTIALS],
    useFactory: (r: ApiRuntime, recent: RecentCredentials) => recent.tokenStore(new TypeOrmTokenStore(r.db)),
  },
  { provide: TOKEN_CRYPTO, useValue: nodeTokenCrypto },
  { provide: AUDIT_LOG, inject: [RUNTIME], useFactory: (r: ApiRuntime) => new PostgresAuditLog(r.db) },
  {
    provide: VERSIONED_ANSWERS,
    inject: [CLUSTER_STORE, AUDIT_LOG],
    useFactory: (clusters: ClusterStore, audit: AuditLog) => new VersionedAnswers(clusters, audit),
  },
  {
    provide: ACCESS_DEPS,
    inject: [RUNTIME, RECENT_CREDENTIALS],
    useFactory: (r: ApiRuntime, recent: RecentCredentials): AccessDeps => ({
      users: recent.userStore(new TypeOrmUserStore(r.db)),
      sessions: recent.sessionStore(new TypeOrmSessionStore(r.db)),
      hasher: scryptPasswordHasher,
      crypto: nodeTokenCrypto,
      throttle: new RedisSignInThrottle(r.redis, r.queuePrefix),
    }),
  },
  {
    provide: REFUSAL_AUDIT,
    inject: [AUDIT_LOG, RUNTIME],
    useFactory: (audit: AuditLog, r: ApiRuntime) => new RefusalAudit(audit, r.redis, r.queuePrefix, r.logger),
  },
  {
    provide: CLUSTER_DEPS,
    inject: [CLUSTER_STORE, RUNTIME],
    useFactory: (clusters: ClusterStore, r: ApiRuntime): ClusterDeps => ({
      clusters,
      sealer: r.secrets,
      kubeconfigRules: r.config.clusters,
      resolver: systemResolver,
      gitRemotes: { allowLoopback: r.config.clusters.allowLoopback, allowFileUrls: r.config.clusters.allowGitFileUrls },
    }),
  },
  {
    provide: WEBHOOK_DEPS,
    inject: [CLUSTER_STORE, RUNTIME],
    useFactory: (clusters: ClusterStore, r: ApiRuntime): WebhookDeps => ({
      clusters,
      webhooks: new PostgresWebhookStore(r.db),
      sealer: r.secrets,
      resolver: systemResolver,
      allowLoopback: r.config.webhooks.allowLoopback,
    }),
  },
  {
    provide: INVENTORY_DEPS,
    inject: [CLUSTER_STORE, RUNTIME, WORK_THREADS],
    useFactory: (clusters: TypeOrmClusterStore, r: ApiRuntime, threads: WorkThreads): InventoryDeps => ({
      clusters,
      inventory: new TypeOrmInventoryStore(r.db),
      simulator: { reset: async (clusterId, items) => void (await SimulatedDriver.create(r.db, clusterId, { items })) },
      protection: new PostgresProtectionSource(r.db),
      approvalTiers: r.config.rollout.approvalTiers,
      queue: new BullJobQueue(r.queues),
      snapshotReader: (snapshot) => threads.run('readSnapshot', snapshot, r.config.documents),
    }),
  },
  {
    provide: FLOW_IMPORT_DEPS,
    inject: [CLUSTER_STORE, RUNTIME],
    useFactory: (clusters: TypeOrmClusterStore, r: ApiRuntime): RequestImportDeps => ({
      clusters,
      imports: new TypeOrmFlowImportStore(r.db),
      queue: new BullJobQueue(r.queues),
    }),
  },
  {
    provide: FLOW_SOURCE_DEPS,
    inject: [CLUSTER_STORE, RUNTIME],
    useFactory: (clusters: ClusterStore, r: ApiRuntime): FlowSourceDeps => ({
      clusters,
      sources: new PostgresFlowSourceStore(r.db),
      sealer: r.secrets,
      addressRules: { allowLoopback: r.config.clusters.allowLoopback },
      resolver: systemResolver,
    }),
  },
  {
    provide: COVERAGE_DEPS,
    inject: [CLUSTER_STORE, RUNTIME],
    useFactory: (clusters: ClusterStore, r: ApiRuntime): CoverageDeps => ({ clusters, coverage: new PostgresCoverageStore(r.db) }),
  },
  {
    provide: EDGE_DEPS,
    inject: [INVENTORY_DEPS, RUNTIME],
    useFactory: (inventory: InventoryDeps, r: ApiRuntime): EdgeDeps => ({ ...inventory, edges: new TypeOrmEdgeStore(r.db) }),
  },
  {
    provide: PLANNING_DEPS,
    inject: [EDGE_DEPS, RUNTIME, WORK_THREADS],
    useFactory: (edges: EdgeDeps, r: ApiRuntime, threads: WorkThreads): PlanningDeps => ({
      ...edges,
      plans: new PostgresPlanStore(r.db),
      coverage: new PostgresCoverageStore(r.db),
      planBuilder: (input) => threads.run('buildPlan', input),
    }),
  },
  { provide: ROLLOUT_STORE, inject: [RUNTIME], useFactory: (r: ApiRuntime) => new PostgresRolloutStore(r.db) },
  {
    provide: ROLLOUT_DEPS,
    inject: [PLANNING_DEPS, RUNTIME, ROLLOUT_STORE],
    useFactory: (planning: PlanningDeps, r: ApiRuntime, store: PostgresRolloutStore): CreateRolloutDeps => {
      const clock = () => new Date();
      return {
        store,
        dispatcher: new BullRolloutDispatcher(new BullJobQueue(r.queues), clock),
        clock,
        planning,
        newId: randomUUID,
        approvalTiers: r.config.rollout.approvalTiers,
      };
    },
  },
];
