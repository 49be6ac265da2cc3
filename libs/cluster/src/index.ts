export * from './simulated/faults';
export * from './simulated/simulated-driver';
export * from './kubernetes';
export * from './driver-factory';
