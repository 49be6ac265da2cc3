export * from './ports/cluster-driver.port';
export * from './ports/rollout-store.port';
export * from './ports/rollout-dispatcher.port';
export * from './rollouts';
export * from './rollout-state-cache';
export * from './create-rollout';
export * from './drift';
export * from './stalls';
