import { createAppContext } from '../../app/app.context.ts';
import type { ImportSummary } from '../../catalog/catalog.import.ts';
import { appError } from '../../errors/app-error.ts';
import { cliActor } from '../cli.actor.ts';
import { parseCliArgs } from '../cli.args.ts';
import type { CliCommand, CliIo } from '../cli.types.ts';

const usage =
  'import <file.csv|file.jsonl|file.xlsx> [--sheet NAME|N] [--supplier NAME] [--map field=Column,…] [--json]';

export function printImportSummary(io: CliIo, summary: ImportSummary, json: boolean): number {
  for (const e of summary.errors) io.err(`line ${e.line}: ${e.reason}`);
  const { imported, updated, failed, errors } = summary;
  if (json) io.out(JSON.stringify({ imported, updated, failed, errors }));
  else io.out(`imported ${imported}, updated ${updated}, failed ${failed}`);
  // Partial success is success: the bad rows are listed above and can be fixed and re-imported.
  return imported + updated > 0 || failed === 0 ? 0 : 1;
}

/** "--map sku=Артикул,name=Наименование": the columns to read each field from. */
function parseMap(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  const mapping: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0)
      throw appError('CLI_USAGE', {
        details: `--map: "${pair}" is not field=Column\nUsage: vitrina ${usage}`,
      });
    mapping[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return mapping;
}

export const importCommand: CliCommand = {
  name: 'import',
  usage,
  summary: 'upsert products by sku from CSV, JSON Lines or Excel (photos embedded in the sheet too)',
  async run(argv, { config, io }) {
    const { values, positionals } = parseCliArgs(
      argv,
      {
        json: { type: 'boolean', default: false },
        sheet: { type: 'string' },
        supplier: { type: 'string' },
        map: { type: 'string' },
      },
      usage,
    );
    const [file, ...extra] = positionals;
    if (!file || extra.length) throw appError('CLI_USAGE', { details: `Usage: vitrina ${usage}` });
    const mapping = parseMap(values.map);
    const ctx = await createAppContext(config);
    try {
      const summary = await ctx.imports.runLocal(
        file,
        {
          ...(values.sheet ? { sheet: values.sheet } : {}),
          ...(values.supplier ? { supplier: values.supplier } : {}),
          ...(mapping ? { mapping } : {}),
        },
        cliActor(),
      );
      if (summary.cellImages) {
        io.err(
          `${summary.cellImages} picture(s) are placed inside cells (Excel's Place in Cell) and were not read: place them over the cells`,
        );
      }
      if (summary.strayImages) {
        io.err(
          `${summary.strayImages} picture(s) in the sheet are not next to any product row and were skipped`,
        );
      }
      return printImportSummary(io, summary, values.json);
    } finally {
      await ctx.close();
    }
  },
};
