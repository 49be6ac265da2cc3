// One Jest run for the whole workspace. Unit tests sit next to the code they test (*.spec.ts);
// tests that need the real PostgreSQL, Redis or a browser live under test/.
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
};
