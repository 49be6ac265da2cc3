import { NetpolError, parseDocuments, simulate } from '@bulkhead/netpol';
import { type Command, UsageError, parseArgs } from '../command';

/** `bulkhead simulate FILE`: evaluates the probes of FILE (JSON or YAML, `-` for stdin) against its snapshot. */
export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'Evaluate connectivity probes against a cluster snapshot and its NetworkPolicies',
  usage: 'bulkhead simulate FILE   (FILE is JSON or YAML: {"snapshot": <kubectl List>, "probes": [...]}; - reads stdin)',
  async run(argv, io) {
    const args = parseArgs(argv, new Set());
    if (args.positional.length !== 1) throw new UsageError(args.positional.length === 0 ? 'missing FILE' : 'expected exactly one FILE');
    const [file] = args.positional;
    const text = file === '-' ? await io.readStdin() : await io.readFile(file);
    try {
      const documents = parseDocuments(text);
      if (documents.length !== 1) throw new UsageError(`${file}: expected one JSON or YAML document, found ${documents.length}`);
      io.out(JSON.stringify(simulate(documents[0]), null, 2));
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
