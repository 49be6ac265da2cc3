// The unit specs, which sit beside the code in apps/, libs/ and migrations/: `npm run test:unit`, and
// each project's `nx test`. None needs PostgreSQL, Redis, a browser or the build; a test that does
// belongs under test/, which only the workspace run (jest.config.js, `npm test`) reaches.
const workspace = require('./jest.config');

module.exports = { ...workspace, roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/migrations'] };
