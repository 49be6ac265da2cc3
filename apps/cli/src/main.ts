import { readFile } from 'node:fs/promises';
import { commands } from './commands';
import { type CliIo, type Command, UsageError } from './command';

const io: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  readFile: (path) => readFile(path, 'utf8'),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  env: (name) => process.env[name],
};

async function help(): Promise<string> {
  const all = await Promise.all(Object.values(commands).map((load) => load()));
  const width = Math.max(...all.map((c) => c.name.length), 4);
  return [
    'bulkhead: plan and check zero-trust NetworkPolicy for Kubernetes clusters.',
    '',
    'Usage: bulkhead <command> [options]',
    '',
    ...all.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `bulkhead help <command>` for the options of one command.',
  ].join('\n');
}

/** The loader of the command called `name`; undefined when there is no such command. */
function loaderOf(name: string | undefined): (() => Promise<Command>) | undefined {
  return name !== undefined && Object.hasOwn(commands, name) ? commands[name] : undefined;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const target = await loaderOf(rest[0])?.();
    io.out(target ? `Usage: ${target.usage}` : await help());
    return 0;
  }
  const load = loaderOf(name);
  if (!load) {
    io.err(`bulkhead: unknown command '${name}'\n\n${await help()}`);
    return 2;
  }
  const command = await load();
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`bulkhead ${name}: ${error.message}\nUsage: ${command.usage}`);
      return 2;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      io.err(`bulkhead ${name}: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (exitCode) => (process.exitCode = exitCode),
    (error) => {
      process.stderr.write(`bulkhead: internal error: ${(error as Error).stack ?? error}\n`);
      process.exitCode = 1;
    },
  );
}
