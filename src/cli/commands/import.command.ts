import { createAppContext } from '../../app/app.context.ts';
import type { ImportSummary } from '../../catalog/catalog.import.ts';
import { appError } from '../../errors/app-error.ts';
import { cliActor } from '../cli.actor.ts';
import { parseCliArgs } from '../cli.args.ts';
import type { CliCommand, CliIo } from '../cli.types.ts';

const usage = 'import <file.csv|file.jsonl> [--json]';

export function printImportSummary(io: CliIo, summary: ImportSummary, json: boolean): number {
  for (const e of summary.errors) io.err(`line ${e.line}: ${e.reason}`);
  const { imported, updated, failed, errors } = summary;
  if (json) io.out(JSON.stringify({ imported, updated, failed, errors }));
  else io.out(`imported ${imported}, updated ${updated}, failed ${failed}`);
  // Partial success is success: the bad rows are listed above and can be fixed and re-imported.
  return imported + updated > 0 || failed === 0 ? 0 : 1;
}

export const importCommand: CliCommand = {
  name: 'import',
  usage,
  summary: 'upsert products by sku from CSV or JSON Lines',
  async run(argv, { config, io }) {
    const { values, positionals } = parseCliArgs(argv, { json: { type: 'boolean', default: false } }, usage);
    const [file, ...extra] = positionals;
    if (!file || extra.length) throw appError('CLI_USAGE', { details: `Usage: vitrina ${usage}` });
    const ctx = await createAppContext(config);
    try {
      const summary = await ctx.importer.importFile(file);
      const { imported, updated, failed } = summary;
      await ctx.audit.record(cliActor(), 'import', { subject: file, details: { imported, updated, failed } });
      return printImportSummary(io, summary, values.json);
    } finally {
      await ctx.close();
    }
  },
};
