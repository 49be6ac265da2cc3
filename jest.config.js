// One Jest run for the whole workspace. Unit tests sit next to the code they test (*.spec.ts);
// tests that need the real PostgreSQL, Redis or a browser live under test/.
const { availableParallelism } = require('node:os');
const { compilerOptions } = require('./tsconfig.base.json');
const swcrc = require('./.swcrc.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/apps/dashboard/'],
  moduleNameMapper,
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|file-type|@kubernetes|openid-client|oauth4webapi|jose|temporal-polyfill|temporal-utils)/)',
  ],
  testTimeout: 30000,
  // At least two worker processes, even on two cores where Jest would otherwise run every file in its own
  // process: in one process the files' leftovers pile up until garbage collection takes most of the time
  // (the whole run once took 34 minutes that way, and ran out of heap at 3.6 GB). A worker that ends a file
  // above 1 GB is replaced by a fresh one. Files are independent: each has its own database and queue prefix.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  workerIdleMemoryLimit: '1GB',
};
