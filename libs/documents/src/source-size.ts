import type { CST } from 'yaml';
import { DocumentError, type DocumentLimits, tooDeep, tooLarge } from './limits';

/**
 * The first of two checks of a YAML stream, made on yaml's concrete syntax tree (tokens with their
 * source text), before any value is built. Building values is where a bomb costs: yaml decodes a
 * double-quoted scalar character by character, about 35 bytes of heap per character, so a 40 MB
 * anchor needs well over a gigabyte before a check on the built document could run.
 *
 * Sizes here are source lengths (a scalar's text, quotes, escapes and indentation included), so they
 * estimate the expanded size from above; an alias costs what its anchored node was estimated at. The
 * second check (measure, in documents.ts) is exact, on the built document, and is the one that
 * guarantees the limit; this one refuses the bombs early and cheaply.
 */
/** Returns the estimate for the whole stream, or throws a DocumentError past a limit. */
export function checkSourceSize(tokens: readonly CST.Token[], limits: DocumentLimits): number {
  let total = 0;
  let documentNumber = 0;
  for (const token of tokens) {
    if (token.type !== 'document') continue;
    documentNumber++;
    const number = documentNumber;
    const anchors = new Map<string, Extent | 'open'>();
    const count = (size: number) => {
      total += size;
      if (total > limits.maxExpandedBytes) throw tooLarge(limits, number);
    };

    const visit = (node: CST.Token | null | undefined, props: readonly CST.Token[], depth: number): Extent => {
      if (depth > limits.maxDepth) throw tooDeep(limits, number);
      const names = anchorNames(props, node);
      for (const name of names) anchors.set(name, 'open');
      let extent: Extent;
      if (!node) {
        extent = { size: 1, depth: 0 };
        count(1);
      } else if (node.type === 'alias') {
        const target = anchors.get(node.source.slice(1));
        if (target === 'open') throw new DocumentError(`has an alias (${node.source}) inside the node it refers to`, number);
        extent = target ?? { size: 1, depth: 0 };
        if (depth + extent.depth > limits.maxDepth) throw tooDeep(limits, number);
        count(extent.size);
      } else if (node.type === 'block-map' || node.type === 'block-seq' || node.type === 'flow-collection') {
        extent = { size: 2, depth: 1 };
        count(2);
        for (const item of node.items) {
          // Props before a key belong to the key; a value's props are in `sep` (after the `:`), or in
          // `start` for an item without a key (a sequence entry).
          const parts: Array<[CST.Token | null | undefined, readonly CST.Token[]]> =
            'key' in item || 'sep' in item
              ? [
                  [item.key, item.start],
                  [item.value, item.sep ?? []],
                ]
              : [[item.value, item.start]];
          for (const [part, partProps] of parts) {
            const inner = visit(part, partProps, depth + 1);
            extent.size += inner.size;
            extent.depth = Math.max(extent.depth, inner.depth + 1);
          }
        }
      } else {
        extent = { size: 'source' in node ? node.source.length + 1 : 1, depth: 0 };
        count(extent.size);
      }
      for (const name of names) anchors.set(name, extent);
      return extent;
    };

    visit(token.value, token.start, 0);
  }
  return total;
}

interface Extent {
  size: number;
  depth: number;
}

/** The anchors a node carries: in the tokens before it, and in a block scalar's own props. */
function anchorNames(props: readonly CST.Token[], node: CST.Token | null | undefined): string[] {
  const own = node?.type === 'block-scalar' ? node.props : [];
  return [...props, ...own].filter((t) => t.type === 'anchor').map((t) => (t as CST.SourceToken).source.slice(1));
}
