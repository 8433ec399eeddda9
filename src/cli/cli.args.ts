import { parseArgs, type ParseArgsConfig } from 'node:util';
import { appError, isAppError } from '../errors/app-error.ts';
import type { CliIo } from './cli.types.ts';

/** node:util parseArgs, with its TypeError turned into a one-line usage error. */
export function parseCliArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  usage: string,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    throw appError('CLI_USAGE', { details: `${(error as Error).message}\nUsage: vitrina ${usage}` });
  }
}

/** `--model M` and `--json`: the options of the commands about one model (embed, model). */
export const MODEL_OPTIONS = {
  model: { type: 'string', short: 'm' },
  json: { type: 'boolean', default: false },
} as const;

/**
 * Runs a command that reports its own user-facing errors: the message alone on stderr (no
 * "vitrina <command>:" prefix, as the model commands have always printed it) and exit code 1.
 * Anything else is a bug and propagates with its stack.
 */
export async function reportingAppErrors(io: CliIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (!isAppError(error)) throw error;
    io.err(error.message);
    return 1;
  }
}
