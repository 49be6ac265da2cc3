import { NetpolError, parseDocuments, readSimulation, simulationAnswerJson } from '@bulkhead/netpol';
import { type Command, UsageError, onlyFile, parseArgs } from '../command';

const USAGE = [
  'bulkhead simulate FILE',
  '         FILE is JSON or YAML: {"snapshot": <kubectl List>, "probes": [...]}; - reads stdin',
  '       bulkhead simulate --api URL --cluster ID [--plan ID] [--token TOKEN] FILE',
  '         the probes of FILE ({"probes": [...]}) against what the API knows of the cluster: its inventory with its',
  '         live policies, or with those of plan ID; the token comes from --token or BULKHEAD_TOKEN',
].join('\n');

/**
 * `bulkhead simulate FILE`: evaluates the probes of FILE (JSON or YAML, `-` for stdin) against its snapshot. With
 * `--api`, sends them to the API instead, to be evaluated against a stored cluster (simulate-remote.ts).
 */
export const simulateCommand: Command = {
  name: 'simulate',
  summary: "Evaluate connectivity probes against a cluster snapshot, or a stored cluster's policies or plan",
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, new Set(['api', 'cluster', 'plan', 'token']));
    const file = onlyFile(args);
    const text = file === '-' ? await io.readStdin() : await io.readFile(file);
    // Loaded only here, so that a simulation of a file loads neither the API's contracts nor their schemas.
    if (args.options.has('api')) return (await import('./simulate-remote')).simulateOnApi(args, file, text, io);
    for (const option of ['cluster', 'plan', 'token']) if (args.options.has(option)) throw new UsageError(`--${option} needs --api`);
    try {
      const documents = parseDocuments(text);
      const [document] = documents;
      if (document === undefined || documents.length !== 1)
        throw new UsageError(`${file}: expected one JSON or YAML document, found ${documents.length}`);
      // Every probe is checked before the first piece is written: bad input leaves stdout empty.
      for (const piece of simulationAnswerJson(readSimulation(document))) io.out(piece);
      return 0;
    } catch (error) {
      if (error instanceof NetpolError) {
        io.err(`bulkhead simulate: ${error.message}`);
        return 1;
      }
      throw error;
    }
  },
};
