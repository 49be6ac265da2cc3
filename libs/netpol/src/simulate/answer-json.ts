import type { Simulation } from './simulate';

/** How much text a piece of the answer holds before it is handed on: large enough that writes are few. */
const PIECE_CHARS = 1 << 20;

/**
 * A simulation's answer (`{"results":[...]}`) as JSON text in pieces of about a megabyte, one result per line, each
 * piece ending at a line's end. Each result is evaluated as its piece is made, so a writer that sends each piece on
 * holds one piece at a time, never the whole answer, which for 50,000 probes runs to tens of megabytes.
 */
export function* simulationAnswerJson(simulation: Simulation): Generator<string> {
  let piece = '{"results":[\n';
  // A result's line ends with a comma when another follows, so each one is written once the next is known.
  let previous: string | undefined;
  for (const result of simulation.results) {
    if (previous !== undefined) piece += `${previous},\n`;
    previous = JSON.stringify(result);
    if (piece.length >= PIECE_CHARS) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}${previous === undefined ? '' : `${previous}\n`}]}\n`;
}
