export * from './config/config';
export * from './logging/logger';
export * from './services/local-services';
export * from './queue/connection';
export * from './security/token-crypto';
export * from './uploads/uploads';
export * from './queue/bullmq-queue';
export * from './security/password-hasher';
