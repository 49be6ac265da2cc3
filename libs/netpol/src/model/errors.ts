/** Every error the engine throws on bad input: callers catch one type and print its message. */
export class NetpolError extends Error {
  constructor(
    message: string,
    readonly code: 'SNAPSHOT_INVALID' | 'POLICY_INVALID' | 'SIMULATE_INPUT_INVALID',
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Where in a snapshot a problem is: the document (0-based) and the field path inside it, e.g. `items[3].metadata.name`. */
export interface SnapshotLocation {
  document: number;
  field: string;
}

/** The snapshot text or one of its objects cannot be read. The message names the document and item. */
export class SnapshotError extends NetpolError {
  constructor(
    message: string,
    readonly location?: SnapshotLocation,
  ) {
    super(message, 'SNAPSHOT_INVALID');
  }
}

/** A NetworkPolicy the API server would reject. `issues` holds every problem, already phrased. */
export class PolicyValidationError extends NetpolError {
  constructor(
    message: string,
    readonly issues: readonly { policy: string; field: string; message: string }[],
  ) {
    super(message, 'POLICY_INVALID');
  }
}

/** A simulate request that is not well-formed: the message starts with the offending field path. */
export class SimulateInputError extends NetpolError {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`, 'SIMULATE_INPUT_INVALID');
  }
}
