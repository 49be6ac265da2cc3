export * from './clusters/tiers';
export * from './clusters/cluster-store.port';
export * from './clusters/clusters';
export * from './tokens/tokens';
