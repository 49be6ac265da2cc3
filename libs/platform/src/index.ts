export * from './config/config';
export * from './logging/logger';
export * from './services/local-services';
export * from './queue/connection';
export * from './security/token-crypto';
export * from './uploads/uploads';
export * from './security/password-hasher';
export * from './security/secret-box';
