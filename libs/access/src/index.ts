export * from './tokens';
export * from './users';
export * from './sign-in-throttle';
export * from './bootstrap';
export * from './recent-credentials';
export * from './errors';
