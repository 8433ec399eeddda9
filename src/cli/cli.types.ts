import type { AppConfig } from '../config/config.schema.ts';

export interface CliIo {
  /** results; with --json the last stdout line is one JSON object */
  out(line: string): void;
  /** logs and progress */
  err(line: string): void;
  /** true when stderr is a terminal (progress bars instead of log lines) */
  isTty: boolean;
}

export interface CliCommand {
  name: string;
  usage: string;
  summary: string;
  /** returns the process exit code */
  run(argv: string[], ctx: { config: AppConfig; io: CliIo }): Promise<number>;
}
