import fc from 'fast-check';
import YAML from 'yaml';

/**
 * Generated input for the fuzz suite: bodies shaped by a route's JSON schema (from the OpenAPI
 * document) but filled with hostile values, free-form JSON, and Kubernetes snapshot documents.
 */

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  format?: string;
  minimum?: number;
  maximum?: number;
}

/** Strings that have broken servers: control characters, direction overrides, paths, prototype keys, huge and odd numbers as text. */
const NASTY = [
  '',
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[2J',
  '\u202eevil',
  '\u200b',
  '\ufeff',
  '\ud800',
  '../../etc/passwd',
  '%00',
  '__proto__',
  'constructor',
  '{"a":',
  'null',
  '-1',
  '1e309',
  'NaN',
  "'; DROP TABLE audit_log; --",
  '<script>alert(1)</script>',
  'x'.repeat(5000),
  '*'.repeat(300),
  'prod/../dev',
  'ns/workload',
  'kube-system/coredns',
  '2026-13-45T99:99:99Z',
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/) },
);

const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -5, max: 70000 }),
  fc.constantFrom(0, -1, 1, 65535, 65536, 2 ** 31, 2 ** 53 + 1, Number.MAX_VALUE, 1e-9),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value, small. */
export const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 });

const typesOf = (schema: JsonSchema): string[] => (Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []);

/**
 * A value that follows the schema's shape, with each leaf sometimes valid and sometimes hostile, a
 * required key now and then left out, and an unknown key now and then added.
 */
export function shapedBy(schema: JsonSchema | undefined, ids: fc.Arbitrary<string>, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return anyJson;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return fc.oneof(...variants.map((v) => shapedBy(v, ids, depth + 1)));
  if (schema.const !== undefined)
    return fc.oneof({ weight: 4, arbitrary: fc.constant(schema.const) }, { weight: 1, arbitrary: hostileString });
  if (schema.enum) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: hostileString });
  const types = typesOf(schema);
  const leaf = (type: string): fc.Arbitrary<unknown> => {
    switch (type) {
      case 'object':
        return objectShapedBy(schema, ids, depth);
      case 'array':
        return fc.array(shapedBy(schema.items, ids, depth + 1), { maxLength: 4 });
      case 'string':
        return schema.format === 'uuid' ? fc.oneof(ids, fc.uuid(), hostileString) : fc.oneof(ids, hostileString);
      case 'integer':
      case 'number':
        return fc.oneof(
          { weight: 3, arbitrary: fc.integer({ min: Math.ceil(schema.minimum ?? 0), max: Math.min(schema.maximum ?? 100000, 100000) }) },
          { weight: 1, arbitrary: hostileNumber },
        );
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      default:
        return anyJson;
    }
  };
  if (types.length === 0) return schema.properties ? objectShapedBy(schema, ids, depth) : anyJson;
  // Now and then a value of the wrong type altogether.
  return fc.oneof({ weight: 6, arbitrary: fc.oneof(...types.map(leaf)) }, { weight: 1, arbitrary: anyJson });
}

function objectShapedBy(schema: JsonSchema, ids: fc.Arbitrary<string>, depth: number): fc.Arbitrary<unknown> {
  const required = new Set(schema.required ?? []);
  const keys = Object.keys(schema.properties ?? {});
  const record = fc.record(Object.fromEntries(keys.map((key) => [key, shapedBy(schema.properties![key], ids, depth + 1)])), {
    requiredKeys: keys.filter((k) => required.has(k)),
  });
  return fc
    .tuple(
      record,
      fc.option(fc.tuple(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'extra'), hostileString), anyJson), { freq: 6 }),
      fc.option(fc.constantFrom(...(keys.length ? keys : ['x'])), { freq: 8 }),
    )
    .map(([value, extra, dropped]) => {
      const out: Record<string, unknown> = { ...value };
      if (dropped !== null) delete out[dropped];
      if (extra !== null) Object.defineProperty(out, extra[0], { value: extra[1], enumerable: true, configurable: true, writable: true });
      return out;
    });
}

const labels = fc.dictionary(hostileString, hostileString, { maxKeys: 3 });
const objectMeta = (namespaced: boolean) =>
  fc.record({ name: hostileString, ...(namespaced ? { namespace: hostileString } : {}), labels }, { requiredKeys: ['name'] });

/** A kubectl List of namespaces, pods and policies with generated names, labels and specs. */
export const snapshotDocument: fc.Arbitrary<unknown> = fc.record({
  apiVersion: fc.constantFrom('v1', 'v2', 'x'),
  kind: fc.constantFrom('List', 'NamespaceList', 'Pod'),
  items: fc.array(
    fc.oneof(
      fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Namespace'), metadata: objectMeta(false) }),
      fc.record({
        apiVersion: fc.constant('v1'),
        kind: fc.constant('Pod'),
        metadata: objectMeta(true),
        status: fc.record({ podIP: fc.oneof(fc.ipV4(), fc.ipV6(), hostileString), phase: fc.constantFrom('Running', 'Pending', 'x') }),
        spec: fc.record({
          containers: fc.array(
            fc.record({
              name: hostileString,
              ports: fc.array(fc.record({ containerPort: hostileNumber, protocol: fc.constantFrom('TCP', 'UDP', 'x') }), { maxLength: 2 }),
            }),
            { maxLength: 2 },
          ),
        }),
      }),
      fc.record({
        apiVersion: fc.constant('networking.k8s.io/v1'),
        kind: fc.constant('NetworkPolicy'),
        metadata: objectMeta(true),
        spec: fc.record({
          podSelector: fc.oneof(fc.constant({}), fc.record({ matchLabels: labels })),
          policyTypes: fc.array(fc.constantFrom('Ingress', 'Egress', 'x'), { maxLength: 2 }),
          ingress: fc.array(anyJson, { maxLength: 2 }),
        }),
      }),
      anyJson,
    ),
    { maxLength: 6 },
  ),
});

/** How a generated body goes on the wire: as JSON, as YAML, or as bytes that are neither. */
export type WireBody = { text: string; contentType: string };

export const asWire = (value: fc.Arbitrary<unknown>): fc.Arbitrary<WireBody> =>
  fc.oneof(
    { weight: 8, arbitrary: value.map((v) => ({ text: JSON.stringify(v) ?? 'null', contentType: 'application/json' })) },
    { weight: 1, arbitrary: value.map((v) => ({ text: YAML.stringify(v) ?? '', contentType: 'application/yaml' })) },
    { weight: 1, arbitrary: hostileString.map((text) => ({ text, contentType: 'application/json' })) },
  );

/** A query string of generated keys and values. */
export const queryString: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom('namespace', 'clusterId', 'limit', 'before', 'status', 'against', 'q', '__proto__'), hostileString),
      hostileString,
    ),
    { maxLength: 3 },
  )
  .map((pairs) => (pairs.length ? `?${new URLSearchParams(pairs).toString()}` : ''));
