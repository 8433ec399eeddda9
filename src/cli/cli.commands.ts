import type { CliCommand } from './cli.types.ts';
import { demoCommand } from './commands/demo.command.ts';
import { embedCommand } from './commands/embed.command.ts';
import { evalCommand } from './commands/eval.command.ts';
import { importCommand } from './commands/import.command.ts';
import { indexCommand } from './commands/index.command.ts';
import { modelCommand } from './commands/model.command.ts';
import { serveCommand } from './commands/serve.command.ts';
import { tokenCommand } from './commands/token.command.ts';
import { userCommand } from './commands/user.command.ts';

export const commands: CliCommand[] = [
  serveCommand,
  importCommand,
  demoCommand,
  indexCommand,
  embedCommand,
  modelCommand,
  evalCommand,
  userCommand,
  tokenCommand,
];
