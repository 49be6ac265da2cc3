import { Composer, type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, Parser } from 'yaml';
import { DEFAULT_DOCUMENT_LIMITS, DocumentError, type DocumentLimits, tooDeep, tooLarge } from './limits';
import { checkSourceSize } from './source-size';

/** JSON text into a value, refusing nesting past the limit before anything is built. */
export function parseJson(text: string, limits: DocumentLimits = DEFAULT_DOCUMENT_LIMITS): unknown {
  const depth = jsonDepth(text, limits.maxDepth);
  if (depth > limits.maxDepth) throw tooDeep(limits, 1);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DocumentError(`is not valid JSON: ${(error as Error).message}`, 1, 'unreadable');
  }
}

/** One YAML document (JSON is YAML too) into a value; a stream of several is refused. */
export function parseYaml(text: string, limits: DocumentLimits = DEFAULT_DOCUMENT_LIMITS): unknown {
  const documents = readYaml(text, limits);
  if (documents.length > 1) throw new DocumentError(`holds ${documents.length} YAML documents where one is expected`, 2, 'unreadable');
  return documents[0] ?? null;
}

/** Every document of a YAML stream into a value each, in order (empty documents as null). */
export function parseYamlDocuments(text: string, limits: DocumentLimits = DEFAULT_DOCUMENT_LIMITS): unknown[] {
  return readYaml(text, limits);
}

function readYaml(text: string, limits: DocumentLimits): unknown[] {
  const lines = new LineCounter();
  const tokens = Array.from(new Parser(lines.addNewLine).parse(text));
  checkSourceSize(tokens, limits);
  const documents: Document[] = Array.from(new Composer().compose(tokens, false, text.length));
  // The documents of a stream share one budget: together they are what the caller holds in memory.
  let spent = 0;
  return documents.map((doc, index) => {
    const [firstError] = doc.errors;
    if (firstError) {
      const { message, pos } = firstError;
      // The composer recurses into collections: nesting thousands deep overflows its stack.
      if (message.includes('Maximum call stack size exceeded')) throw tooDeep(limits, index + 1);
      const { line, col } = lines.linePos(pos[0]);
      throw new DocumentError(`is not valid YAML: ${message.split('\n')[0]} at line ${line}, column ${col}`, index + 1, 'unreadable');
    }
    spent = measure(doc, limits, spent, index + 1);
    // Measured above: nothing in the document can grow past the limit, so yaml's own alias count is not needed.
    return doc.toJS({ maxAliasCount: -1 });
  });
}

/**
 * yaml's toJS finds each alias's anchor by scanning the document's anchors and aliases, so its cost
 * grows with their count squared: past this many in one document, the document is refused.
 */
const MAX_ANCHORS_AND_ALIASES = 10_000;

interface Extent {
  size: number;
  depth: number;
}

/**
 * The expanded size of the stream up to and including this document, walking its nodes once: an
 * alias costs the size of the node it refers to, measured once when its anchor was walked. Refuses
 * an alias to a node that contains it (the value would be infinite), a size past the budget,
 * nesting past the depth limit, and too many anchors and aliases.
 */
function measure(doc: Document, limits: DocumentLimits, spentBefore: number, documentNumber: number): number {
  const measured = new Map<Node, Extent>();
  const open = new Set<Node>();
  // An alias refers to the last node before it with that anchor. The walk goes in document order, so
  // this map answers that as it goes (yaml's Alias.resolve searches the whole document per alias).
  const anchors = new Map<string, Node>();
  let anchorsAndAliases = 0;
  const countReference = () => {
    if (++anchorsAndAliases > MAX_ANCHORS_AND_ALIASES) {
      throw new DocumentError(`has more than the limit of ${MAX_ANCHORS_AND_ALIASES} anchors and aliases`, documentNumber);
    }
  };
  let total = spentBefore;

  const visit = (node: unknown, depth: number): Extent => {
    if (depth > limits.maxDepth) throw tooDeep(limits, documentNumber);
    if (isAlias(node)) {
      countReference();
      const target = anchors.get(node.source);
      if (!target)
        throw new DocumentError(
          `is not valid YAML: the alias *${node.source.slice(0, 40)} has no anchor before it`,
          documentNumber,
          'unreadable',
        );
      if (open.has(target)) throw new DocumentError(`has an alias (*${node.source}) inside the node it refers to`, documentNumber);
      // The anchored node came before the alias and is closed (not open): it was measured.
      const extent = measured.get(target)!;
      if (depth + extent.depth > limits.maxDepth) throw tooDeep(limits, documentNumber);
      count(extent.size);
      return extent;
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) {
      countReference();
      anchors.set(anchor, node as Node);
    }
    let extent: Extent;
    if (isMap(node) || isSeq(node)) {
      open.add(node);
      extent = { size: 2, depth: 1 };
      count(2);
      for (const item of node.items) {
        const parts = isPair(item) ? [item.key, item.value] : [item];
        for (const part of parts) {
          const inner = visit(part, depth + 1);
          extent.size += inner.size;
          extent.depth = Math.max(extent.depth, inner.depth + 1);
        }
      }
      open.delete(node);
    } else {
      extent = { size: isScalar(node) && typeof node.value === 'string' ? node.value.length + 1 : 1, depth: 0 };
      count(extent.size);
    }
    measured.set(node as Node, extent);
    return extent;
  };

  // Counted as the walk goes (and not only at the end), so that a bomb stops early.
  const count = (size: number) => {
    total += size;
    if (total > limits.maxExpandedBytes) throw tooLarge(limits, documentNumber);
  };

  visit(doc.contents, 0);
  return total;
}

/** The deepest nesting of arrays and objects in JSON text, stopping as soon as it passes `stopAt`. */
function jsonDepth(text: string, stopAt: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > stopAt) return deepest;
    } else if (char === 0x5d || char === 0x7d) depth--;
  }
  return deepest;
}
