import { TypeOrmClusterStore, TypeOrmTokenStore } from '@bulkhead/persistence';
import { nodeTokenCrypto } from '@bulkhead/platform';
import type { Provider } from '@nestjs/common';
import { RUNTIME, type ApiRuntime } from './runtime';

/** Injection tokens of the ports the controllers use, bound here to their adapters. */
export const CLUSTER_STORE = Symbol('ClusterStore');
export const TOKEN_STORE = Symbol('TokenStore');
export const TOKEN_CRYPTO = Symbol('TokenCrypto');

export const storeProviders: Provider[] = [
  { provide: CLUSTER_STORE, inject: [RUNTIME], useFactory: (r: ApiRuntime) => new TypeOrmClusterStore(r.db) },
  { provide: TOKEN_STORE, inject: [RUNTIME], useFactory: (r: ApiRuntime) => new TypeOrmTokenStore(r.db) },
  { provide: TOKEN_CRYPTO, useValue: nodeTokenCrypto },
];
