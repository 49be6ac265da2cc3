import { controlCharacterProblems } from '@bulkhead/contracts';
import type { DocumentLimits } from '@bulkhead/documents';
import { NetpolError, parseDocuments, SimulateInputError, simulate, type SimulateOutput } from '@bulkhead/netpol';
import { SimulateError } from './simulate-error';

/**
 * The body of POST /api/v1/simulate (JSON or YAML text) evaluated; bad input is a SimulateError naming
 * the field of the document. The engine's own errors (NetpolError) become one here and nowhere else.
 * Pure: runs on a worker thread.
 */
export function simulateRequest(text: string, limits: DocumentLimits): SimulateOutput {
  try {
    const documents = parseDocuments(text, limits);
    if (documents.length !== 1)
      throw new SimulateError('simulate.invalid', [{ field: '', reason: `expected one JSON or YAML document, found ${documents.length}` }]);
    const problems = controlCharacterProblems(documents[0], '');
    if (problems.length > 0) throw new SimulateError('simulate.invalid', problems);
    return simulate(documents[0], limits);
  } catch (error) {
    if (error instanceof SimulateInputError)
      throw new SimulateError('simulate.invalid', [{ field: error.field, reason: error.message.slice(error.field.length + 2) }]);
    if (error instanceof NetpolError) throw new SimulateError('simulate.invalid', [{ field: '', reason: error.message }]);
    throw error;
  }
}
