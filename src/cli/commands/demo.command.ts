import { createAppContext } from '../../app/app.context.ts';
import { defaultDatasetDir, readGroceryDemo } from '../../catalog/catalog.demo.ts';
import { cliActor } from '../cli.actor.ts';
import { parseCliArgs } from '../cli.args.ts';
import type { CliCommand } from '../cli.types.ts';
import { printImportSummary } from './import.command.ts';

const usage = 'demo [DIR] [--json]';

export const demoCommand: CliCommand = {
  name: 'demo',
  usage,
  summary: 'import the 81-product Grocery Store demo catalog',
  async run(argv, { config, io }) {
    const { values, positionals } = parseCliArgs(argv, { json: { type: 'boolean', default: false } }, usage);
    // Read the dataset before opening the database: a missing dataset needs no DB at all.
    const { rows, baseDir } = await readGroceryDemo(positionals[0] ?? defaultDatasetDir());
    const ctx = await createAppContext(config);
    try {
      const summary = await ctx.importer.importRows(rows, baseDir);
      const { imported, updated, failed } = summary;
      await ctx.audit.record(cliActor(), 'import', {
        subject: 'demo: Grocery Store',
        details: { imported, updated, failed },
      });
      const code = printImportSummary(io, summary, values.json);
      if (!values.json) io.err('Start the app with `npm start` and open /products.');
      return code;
    } finally {
      await ctx.close();
    }
  },
};
