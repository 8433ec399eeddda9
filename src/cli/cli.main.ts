import { loadConfig } from '../config/config.load.ts';
import { isAppError } from '../errors/app-error.ts';
import { commands } from './cli.commands.ts';
import type { CliIo } from './cli.types.ts';

const io: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTty: Boolean(process.stderr.isTTY),
};

function usage(): string {
  const width = Math.max(...commands.map((c) => c.usage.length));
  return [
    'vitrina — product catalog with search by photo',
    '',
    'Usage:',
    ...commands.map((c) => `  vitrina ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    'Settings come from the environment (PORT, HOST, DATA_DIR, DATABASE_URL, VECTOR_DATABASE_URL, MODEL, MODEL_DIR, …); see README.md.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? 0 : 1;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  try {
    // The statement limit keeps web requests from hanging on a sick server; a batch command (import,
    // index, eval…) may legitimately run statements longer than any request, so it has none unless set.
    const batch = name !== 'serve' && process.env.DB_STATEMENT_TIMEOUT_MS === undefined;
    return await command.run(rest, {
      config: loadConfig(process.env, batch ? { dbStatementTimeoutMs: 0 } : {}),
      io,
    });
  } catch (error) {
    // A user-facing error is one clear line; anything else is a bug and keeps its stack.
    if (isAppError(error)) io.err(`vitrina ${name}: ${error.message}`);
    else
      io.err(
        `vitrina ${name}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
