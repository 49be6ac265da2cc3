export * from './jobs/jobs';
export * from './http/common';
export * from './http/inventory';
export * from './http/flows';
export * from './http/tokens';
export * from './errors';
export * from './http/access';
export * from './http/rollouts';
