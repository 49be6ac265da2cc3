import { z } from 'zod';
import type { FieldProblem } from '../errors';

/**
 * Which characters a value that crosses the wire may hold. PostgreSQL refuses NUL and unpaired UTF-16
 * surrogates (which are not Unicode at all) in text and jsonb, and control characters in names and logs
 * hide what a person reads, so:
 * - free text (comments, reasons, descriptions, kubeconfigs) refuses NUL, DEL, the C0/C1 controls
 *   except tab and line breaks (LF, and the CR of CRLF), and unpaired surrogates;
 * - identifiers (names, usernames, namespaces, filters) refuse every control character (Cc), every
 *   invisible format character (Cf): text-direction overrides and isolates (U+202A-U+202E,
 *   U+2066-U+2069), zero-width spaces and marks (U+200B-U+200F), the byte-order mark (U+FEFF), so that a
 *   name shows exactly what it is in lists and in the audit log, and unpaired surrogates.
 */
const TEXT_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\p{Cs}]/u;
const IDENTIFIER_FORBIDDEN = /[\p{Cc}\p{Cf}\p{Cs}]/u;

/** What a refused character is, by its code point: `the control character U+0000`, `the unpaired surrogate U+D800`. */
function describe(char: string): string {
  const point = char.codePointAt(0) ?? 0;
  const kind = /\p{Cs}/u.test(char) ? 'the unpaired surrogate' : /\p{Cf}/u.test(char) ? 'the invisible character' : 'the control character';
  return `${kind} U+${point.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Why a free text is refused, or null when it is fine. */
export function textCharacterProblem(value: string): string | null {
  const found = TEXT_FORBIDDEN.exec(value);
  return found ? `contains ${describe(found[0])}` : null;
}

/** Why an identifier is refused, or null when it is fine. */
export function identifierCharacterProblem(value: string): string | null {
  const found = IDENTIFIER_FORBIDDEN.exec(value);
  return found ? `contains ${describe(found[0])}; names may not hold any` : null;
}

/**
 * Text someone else chose, made safe to quote in a message or the audit log: every control, invisible,
 * private-use or unassigned character and every unpaired surrogate (Unicode's \p{C}) written as
 * `\u{202e}`, except tab and line feed, which a multi-line message keeps.
 */
export function printable(text: string): string {
  return text.replace(/[^\P{C}\t\n]/gu, (char) => `\\u{${char.codePointAt(0)!.toString(16)}}`);
}

/** `body` + `['items', 3, 'metadata']` -> `body.items[3].metadata`: how every problem names its field ('' is the root itself). */
export function fieldPath(root: string, path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((at, key) => (typeof key === 'number' ? `${at}[${key}]` : joinPath(at, String(key))), root);
}

/** A field path under another: `body` + `items[3]` -> `body.items[3]`, `body` + `[0]` -> `body[0]`, `body` + '' -> `body`. */
export function joinPath(root: string, field: string): string {
  if (!root || !field) return root + field;
  return field.startsWith('[') ? root + field : `${root}.${field}`;
}

const MAX_REPORTED = 20;

/**
 * Every string and key in a parsed document (a body, a query, a snapshot) that breaks the free-text
 * rule, each naming its field. Stops after a few, so a hostile document cannot make the answer huge.
 */
export function controlCharacterProblems(value: unknown, root: string): FieldProblem[] {
  interface Visit {
    node: unknown;
    key?: PropertyKey;
    parent?: Visit;
  }
  const pathOf = (visit: Visit): PropertyKey[] => {
    const keys: PropertyKey[] = [];
    for (let at: Visit | undefined = visit; at?.parent; at = at.parent) keys.push(at.key!);
    return keys.reverse();
  };
  const problems: FieldProblem[] = [];
  // Depth-first with an explicit stack and parent links: a document nested a million levels deep
  // neither overflows the call stack nor copies its path at every level.
  const pending: Visit[] = [{ node: value }];
  while (pending.length > 0 && problems.length < MAX_REPORTED) {
    const visit = pending.pop()!;
    const { node } = visit;
    if (typeof node === 'string') {
      const reason = textCharacterProblem(node);
      if (reason) problems.push({ field: fieldPath(root, pathOf(visit)), reason });
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) pending.push({ node: node[i], key: i, parent: visit });
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, item] of Object.entries(node).reverse()) {
        const reason = identifierCharacterProblem(key);
        if (reason) problems.push({ field: fieldPath(root, pathOf(visit)), reason: `has a key that ${reason}` });
        else pending.push({ node: item, key, parent: visit });
      }
    }
  }
  return problems.slice(0, MAX_REPORTED);
}

/** A string schema for identifiers: no control character at all. */
export const identifierSchema = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => identifierCharacterProblem(value) === null, {
      message: 'must not contain invisible, control or text-direction characters',
    });
