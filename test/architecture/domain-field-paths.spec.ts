import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The libs name fields of their own input (`password`, `namespaces[3]`); only the HTTP edge knows
 * which part of a request carried it and writes `body.password`. A field path that starts with a
 * request part (`body`, `query`, `params`), written anywhere in a lib, is HTTP leaking into it.
 * The contracts' client and route types speak of the wire on purpose and are left out.
 */
const REQUEST_PART_FIELD = [
  // { field: 'body.x' }, { field: `query.${name}` }, { field: 'body' }
  /\bfield:\s*[`'"](?:body|query|params)(?=[.[`'"$])/,
  // fieldPath('body', ...), joinPath('query', ...), controlCharacterProblems(value, 'body')
  /\b(?:fieldPath|joinPath|controlCharacterProblems)\([^)]*?[`'"](?:body|query|params)(?=[.[`'"])/,
];

const WIRE_FILES = ['libs/contracts/src/client/', 'libs/contracts/src/http/route.ts'];

const leaksRequestPart = (source: string): boolean => REQUEST_PART_FIELD.some((pattern) => pattern.test(source));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.spec\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('field paths in the libs', () => {
  const root = join(__dirname, '..', '..');

  it.each([
    ["throw new InventoryError('edge.invalid_endpoint', [{ field: `body.${field}`, reason }]);", true],
    ["problems.push({ field: 'body.namespaces', reason: 'none has a tier' });", true],
    ["throw new InventoryError('flow_import.empty', [{ field: 'body', reason: 'is empty' }]);", true],
    ["const problems = controlCharacterProblems(document, 'body');", true],
    ["const root = fieldPath('query.against', []);", true],
    ["throw new AccessError('user.weak_password', [{ field: 'password', reason }]);", false],
    ['problems.push({ field: `namespaces[${i}]`, reason });', false],
    ["const root = fieldPath('documents', [index]);", false],
    ['const { body } = request; // body.tier is checked by the edge', false],
  ])('the rule reads %s as leaking: %s', (source, leaks) => {
    expect(leaksRequestPart(source)).toBe(leaks);
  });

  it('no lib names a field by the part of the request it came in', () => {
    const leaking = sources(join(root, 'libs'))
      .map((path) => relative(root, path))
      .filter((path) => !WIRE_FILES.some((wire) => path.startsWith(wire)))
      .filter((path) => leaksRequestPart(readFileSync(join(root, path), 'utf8')));
    expect(leaking).toEqual([]);
  });
});
