export * from './plan-store.port';
export * from './plans';
export * from './errors';
export * from './simulation';
