import { NetpolError, buildInventory, parseDocuments, snapshotFromDocuments } from '@bulkhead/netpol';
import { lintPolicies } from '@bulkhead/plan';
import { type Command, UsageError, onlyFile, parseArgs } from '../command';
import { formatFinding, parseTiers } from './plan';

/** `bulkhead lint FILE`: the classic NetworkPolicy mistakes in a snapshot or a multi-doc YAML of policies. */
export const lintCommand: Command = {
  name: 'lint',
  summary: 'Find the classic NetworkPolicy mistakes in a snapshot or a YAML of NetworkPolicies',
  usage:
    'bulkhead lint FILE [--cni NAME] [--format text|json] [--tier NAMESPACE=dev|staging|prod|none ...]   (FILE: a snapshot, or multi-doc YAML of NetworkPolicies; - reads stdin)\n' +
    '  Exit code 1 when there is an error-severity finding.',
  async run(argv, io) {
    const args = parseArgs(argv, new Set(['cni', 'format', 'tier']));
    if (args.flags.size) throw new UsageError(`unknown option --${[...args.flags][0]}`);
    const file = onlyFile(args);
    const format = args.options.get('format')?.at(-1) ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format ${format}: expected text or json`);
    const tiers = parseTiers(args.options.get('tier') ?? []);
    const text = file === '-' ? await io.readStdin() : await io.readFile(file);
    let findings;
    try {
      const inventory = buildInventory(snapshotFromDocuments(parseDocuments(text)));
      const cni = args.options.get('cni')?.at(-1);
      findings = lintPolicies(inventory, inventory.policies, { ...(cni ? { cni } : {}), ...(Object.keys(tiers).length ? { tiers } : {}) });
    } catch (error) {
      if (error instanceof NetpolError) {
        io.err(`bulkhead lint: ${file}: ${error.message}`);
        return 2;
      }
      throw error;
    }
    const counts = { error: 0, warning: 0, info: 0 };
    for (const f of findings) counts[f.severity]++;
    if (format === 'json') io.out(JSON.stringify({ findings, counts }, null, 2));
    else if (findings.length) io.out(findings.map(formatFinding).join('\n'));
    io.err(`bulkhead lint: ${findings.length} finding(s): ${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} info`);
    return counts.error > 0 ? 1 : 0;
  },
};
