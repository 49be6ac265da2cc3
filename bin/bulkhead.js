#!/usr/bin/env node
// The `bulkhead` command. `npm run build` compiles the CLI into dist/.
'use strict';
const path = require('node:path');
let cli;
try {
  cli = require(path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js'));
} catch (error) {
  if (error.code !== 'MODULE_NOT_FOUND') throw error;
  process.stderr.write('bulkhead: the CLI is not built yet; run `npm run build` in the Bulkhead checkout first.\n');
  process.exit(2);
}
cli.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`bulkhead: internal error: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
