export * from './port/cluster-driver';
export * from './simulated/faults';
export * from './simulated/simulated-driver';
export * from './kubernetes';
