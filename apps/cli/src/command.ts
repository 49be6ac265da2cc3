/** A `bulkhead` sub-command. Each lives in its own file under commands/ and is listed, loaded when asked for, in commands/index.ts. */
export interface Command {
  name: string;
  /** One line for `bulkhead help`. */
  summary: string;
  /** The usage line, e.g. `bulkhead simulate FILE`. */
  usage: string;
  /** Parses its own argv (see parseArgs). Returns the process exit code. Writes results to `io.out` and problems to `io.err`. */
  run(argv: string[], io: CliIo): Promise<number>;
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readFile(path: string): Promise<string>;
  readStdin(): Promise<string>;
  /** An environment variable (`BULKHEAD_TOKEN`), or undefined when it is not set. */
  env(name: string): string | undefined;
}

export interface ParsedArgs {
  positional: string[];
  /** `--name value` and `--name=value`; repeated options keep every value in order. */
  options: Map<string, string[]>;
  /** `--flag` with no value. */
  flags: Set<string>;
}

/** A problem with what the user typed or gave us: printed on stderr, exit code 2, no stack trace. */
export class UsageError extends Error {}

/** Options that take a value; anything else starting with `--` is a flag. */
export function parseArgs(argv: string[], valued: ReadonlySet<string>): ParsedArgs {
  const parsed: ParsedArgs = { positional: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      parsed.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (!valued.has(name)) {
      if (eq !== -1) throw new UsageError(`option --${name} takes no value`);
      parsed.flags.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else value = argv[++i];
    if (value === undefined) throw new UsageError(`option --${name} needs a value`);
    parsed.options.set(name, [...(parsed.options.get(name) ?? []), value]);
  }
  return parsed;
}

/** The one FILE a command takes as its argument. */
export function onlyFile(args: ParsedArgs): string {
  const [file, ...others] = args.positional;
  if (file === undefined) throw new UsageError('missing FILE');
  if (others.length) throw new UsageError('expected exactly one FILE');
  return file;
}
