/**
 * How large a document of untrusted JSON or YAML may grow once read. The text's own length is
 * bounded by whoever received it (the request body limit, a file the user chose); what the text can
 * become is bounded here: YAML aliases repeat what their anchor holds, so a few kilobytes can stand
 * for gigabytes (a "billion laughs"), and a 40 MB anchor referenced 500 times stands for 20 GB.
 */
export interface DocumentLimits {
  /** The most characters a document may hold with every alias replaced by what it refers to. */
  maxExpandedBytes: number;
  /** The deepest nesting of maps and lists (code that walks a document recursively needs a bound). */
  maxDepth: number;
}

export const DEFAULT_DOCUMENT_LIMITS: DocumentLimits = { maxExpandedBytes: 64 * 1024 * 1024, maxDepth: 100 };

/** Text that is not JSON or YAML, or that would grow past a limit. The message reads as a reason after a field name. */
export class DocumentError extends Error {
  constructor(
    message: string,
    /** 1-based index of the offending document of a multi-document YAML stream. */
    readonly document: number,
    /** `unreadable`: not JSON or YAML at all; `over_limit`: readable, but past a limit. */
    readonly kind: 'unreadable' | 'over_limit' = 'over_limit',
  ) {
    super(message);
    this.name = 'DocumentError';
  }
}

const MB = 1024 * 1024;
export const tooLarge = (limits: DocumentLimits, documentNumber: number) =>
  new DocumentError(
    `grows past the limit of ${+(limits.maxExpandedBytes / MB).toFixed(2)} MB once its aliases are expanded (each alias counts the size of what it refers to)`,
    documentNumber,
  );
export const tooDeep = (limits: DocumentLimits, documentNumber: number) =>
  new DocumentError(`is nested deeper than the limit of ${limits.maxDepth} levels`, documentNumber);
