import { controlCharacterProblems } from '@bulkhead/contracts';
import type { DocumentLimits } from '@bulkhead/documents';
import {
  type Inventory,
  NetpolError,
  parseDocuments,
  readSimulation,
  SimulateInputError,
  type Simulation,
  simulateInventory,
  simulationAnswerJson,
} from '@bulkhead/netpol';
import { SimulateError } from './simulate-error';

/**
 * The body of POST /api/v1/simulate (JSON or YAML text) evaluated, as encoded JSON; bad input is a SimulateError
 * naming the field of the document. Pure: runs on a worker thread.
 */
export function simulateRequest(text: string, limits: DocumentLimits): Uint8Array {
  return answered(() => {
    const documents = parseDocuments(text, limits);
    if (documents.length !== 1)
      throw new SimulateError('simulate.invalid', [{ field: '', reason: `expected one JSON or YAML document, found ${documents.length}` }]);
    const problems = controlCharacterProblems(documents[0], '');
    if (problems.length > 0) throw new SimulateError('simulate.invalid', problems);
    return readSimulation(documents[0], limits);
  });
}

/**
 * The probes of POST /api/v1/clusters/{id}/simulate (checked against the route's schema) evaluated against the
 * cluster's inventory, as encoded JSON. Pure: runs on a worker thread.
 */
export function simulateClusterRequest(inventory: Inventory, probes: readonly unknown[]): Uint8Array {
  return answered(() => simulateInventory(inventory, probes));
}

/**
 * The simulation's answer as UTF-8 JSON, encoded piece by piece, so that no string of the whole answer is made.
 * The engine's own errors (NetpolError) become a SimulateError here and nowhere else.
 */
function answered(simulation: () => Simulation): Uint8Array {
  const encoder = new TextEncoder();
  const pieces: Uint8Array[] = [];
  try {
    for (const piece of simulationAnswerJson(simulation())) pieces.push(encoder.encode(piece));
  } catch (error) {
    if (error instanceof SimulateInputError)
      throw new SimulateError('simulate.invalid', [{ field: error.field, reason: error.message.slice(error.field.length + 2) }]);
    if (error instanceof NetpolError) throw new SimulateError('simulate.invalid', [{ field: '', reason: error.message }]);
    throw error;
  }
  const answer = new Uint8Array(pieces.reduce((bytes, piece) => bytes + piece.length, 0));
  let offset = 0;
  for (const piece of pieces) {
    answer.set(piece, offset);
    offset += piece.length;
  }
  return answer;
}
