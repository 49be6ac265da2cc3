// Every rule is registered, and every registered rule has its spec beside it.
import { readdirSync } from 'node:fs';
import { LINT_RULES } from '../../index';

describe('registered lint rules', () => {
  const files = readdirSync(__dirname);
  const ruleFiles = files
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && f !== 'index.ts')
    .map((f) => f.replace(/\.ts$/, ''));

  it('registers every rule file, under the id the file is named after', () => {
    expect(Object.keys(LINT_RULES).sort()).toEqual(ruleFiles.sort());
  });

  it.each(Object.keys(LINT_RULES))('%s has a spec', (rule) => {
    expect(files).toContain(`${rule}.spec.ts`);
  });
});
