import type { AppContext } from '../../app/app.context.ts';
import { defaultDatasetDir, readGroceryDemo } from '../../catalog/catalog.demo.ts';
import { isAppError } from '../../errors/app-error.ts';
import { modelFix } from '../../search/photo-availability.ts';
import type { WebApp } from '../../web/web.app.ts';
import type { CliIo } from '../cli.types.ts';

/**
 * A first `npm start` should show a catalog: when it is empty and the demo dataset sits beside
 * the project, import it (DEMO_ON_EMPTY=0 turns this off); otherwise say how to fill it.
 */
export async function importDemoIfEmpty(ctx: AppContext, io: CliIo): Promise<void> {
  if (!ctx.config.demoOnEmpty || (await ctx.catalog.count()) > 0) return;
  let demo: Awaited<ReturnType<typeof readGroceryDemo>>;
  try {
    demo = await readGroceryDemo(defaultDatasetDir());
  } catch (error) {
    if (!isAppError(error)) throw error;
    io.err(
      'The catalog is empty: import products with `npx vitrina import <file.csv>`, or the demo with `npx vitrina demo <DIR>`.',
    );
    return;
  }
  io.err(
    `The catalog is empty: importing the Grocery Store demo (${demo.rows.length} products) from ${demo.baseDir} (DEMO_ON_EMPTY=0 skips this)…`,
  );
  const summary = await ctx.importer.importRows(demo.rows, demo.baseDir);
  io.err(`Demo catalog: ${summary.imported} products imported, ${summary.failed} failed.`);
}

/** Says in the terminal whether search by photo works, and when not, the command that fixes it. */
export function reportPhotoSearch(web: WebApp, ctx: AppContext, io: CliIo): void {
  const { config } = ctx;
  if (!ctx.stores.vectors) {
    io.err('Search by photo is off: no vector store. Fix: VECTOR_DATABASE_URL=embedded npm start');
    return;
  }
  web.models.get(config.model).then(
    () => io.err(`Search by photo: ready (model ${config.model}).`),
    (error: unknown) => {
      io.err(`Search by photo is off: ${(error as Error).message}`);
      io.err(`  Fix: ${modelFix(config, web.models.state(config.model))}`);
    },
  );
}
