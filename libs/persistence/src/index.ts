export * from './data-source';
export * from './entities/cluster.entity';
export * from './entities/inventory.entities';
export * from './entities/flow.entities';
export * from './entities/api-token.entity';
export * from './stores/cluster.store';
export * from './stores/token.store';
