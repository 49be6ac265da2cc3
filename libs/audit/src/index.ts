export * from './audit-log';
export * from './chain';
