import { AppError, controlCharacterProblems } from '@bulkhead/contracts';
import type { DocumentLimits } from '@bulkhead/documents';
import { NetpolError, parseDocuments, SimulateInputError, simulate, type SimulateOutput } from '@bulkhead/netpol';

/** The body of POST /api/v1/simulate (JSON or YAML text) evaluated; bad input is a 400 naming the field. Pure: runs on a worker thread. */
export function simulateRequest(text: string, limits: DocumentLimits): SimulateOutput {
  try {
    const documents = parseDocuments(text, limits);
    if (documents.length !== 1)
      throw AppError.invalid('simulate.invalid', [
        { field: 'body', reason: `expected one JSON or YAML document, found ${documents.length}` },
      ]);
    const problems = controlCharacterProblems(documents[0], 'body');
    if (problems.length > 0) throw AppError.invalid('simulate.invalid', problems);
    return simulate(documents[0], limits);
  } catch (error) {
    if (error instanceof SimulateInputError)
      throw AppError.invalid('simulate.invalid', [{ field: `body.${error.field}`, reason: error.message.slice(error.field.length + 2) }]);
    if (error instanceof NetpolError) throw AppError.invalid('simulate.invalid', [{ field: 'body', reason: error.message }]);
    throw error;
  }
}
