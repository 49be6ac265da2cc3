/**
 * Plain data as YAML, for reading (audit entries' policies before and after): block style, keys in
 * their order, strings quoted only when YAML would misread them. Not a full YAML writer.
 */
const PLAIN = /^[A-Za-z0-9_./@-][A-Za-z0-9_ ./@:-]*$/;
const RESERVED = /^(true|false|null|yes|no|on|off|~|-?\d+(\.\d+)?)$/i;

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return PLAIN.test(s) && !RESERVED.test(s) && !s.endsWith(' ') && !s.includes(': ') ? s : JSON.stringify(s);
}

const isBlock = (v: unknown) =>
  (Array.isArray(v) && v.length > 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0);
const empty = (v: unknown) => (Array.isArray(v) ? '[]' : '{}');

/** Kubernetes objects read best in their usual order, whatever order the database kept. */
const FIRST = ['apiVersion', 'kind', 'metadata', 'name', 'namespace', 'spec'];
const ordered = (o: object) => Object.entries(o).sort(([a], [b]) => (FIRST.indexOf(a) + 1 || 99) - (FIRST.indexOf(b) + 1 || 99));

function lines(v: unknown, indent: string): string[] {
  if (Array.isArray(v)) {
    return v.flatMap((item) => {
      if (!isBlock(item)) return [`${indent}- ${typeof item === 'object' && item !== null ? empty(item) : scalar(item)}`];
      const inner = lines(item, `${indent}  `);
      return [`${indent}- ${inner[0]!.slice(indent.length + 2)}`, ...inner.slice(1)];
    });
  }
  if (typeof v === 'object' && v !== null) {
    return ordered(v).flatMap(([k, item]) => {
      if (isBlock(item)) return [`${indent}${scalar(k)}:`, ...lines(item, Array.isArray(item) ? indent : `${indent}  `)];
      return [`${indent}${scalar(k)}: ${typeof item === 'object' && item !== null ? empty(item) : scalar(item)}`];
    });
  }
  return [`${indent}${scalar(v)}`];
}

export function toYaml(value: unknown): string {
  if (Array.isArray(value) && value.every((d) => typeof d === 'object' && d !== null && !Array.isArray(d))) {
    return value.map((doc) => lines(doc, '').join('\n')).join('\n---\n');
  }
  return lines(value, '').join('\n');
}
