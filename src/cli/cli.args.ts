import { parseArgs, type ParseArgsConfig } from 'node:util';
import { appError } from '../errors/app-error.ts';

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
