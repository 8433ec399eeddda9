import { createAppContext } from '../../app/app.context.ts';
import { createEmbedder } from '../../embedding/embedder.factory.ts';
import { appError } from '../../errors/app-error.ts';
import { createIndexProgressReporter } from '../../indexer/index.progress.ts';
import { createIndexer } from '../../indexer/indexer.service.ts';
import { activateModel } from '../../search/active-model.ts';
import { createVectorRepository } from '../../search/vector.repository.ts';
import { parseCliArgs } from '../cli.args.ts';
import type { CliCommand } from '../cli.types.ts';
import { backgroundFor } from '../../search/background.service.ts';

const usage =
  'index [--model M] [--force] [--retry-failed] [--activate] [--batch-size N] [--log-every N] [--json]';

export const indexCommand: CliCommand = {
  name: 'index',
  usage,
  summary: 'embed catalog images lacking vectors (resumable, parallel-safe)',
  async run(argv, { config, io }) {
    const { values } = parseCliArgs(
      argv,
      {
        model: { type: 'string' },
        force: { type: 'boolean', default: false },
        'retry-failed': { type: 'boolean', default: false },
        activate: { type: 'boolean', default: false },
        'batch-size': { type: 'string', default: '16' },
        'log-every': { type: 'string', default: '500' },
        json: { type: 'boolean', default: false },
      },
      usage,
      false,
    );
    const batchSize = Number(values['batch-size']);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 256) {
      throw appError('CLI_USAGE', { details: '--batch-size must be a whole number from 1 to 256' });
    }
    const logEvery = Number(values['log-every']);
    if (!Number.isInteger(logEvery) || logEvery < 1)
      throw appError('CLI_USAGE', { details: '--log-every must be a positive whole number' });
    const ctx = await createAppContext(config);
    try {
      if (!ctx.stores.vectors)
        throw appError('VECTOR_STORE_UNAVAILABLE', { reason: ctx.stores.vectorError ?? 'no vector store' });
      const embedder = await createEmbedder({ config, modelId: values.model ?? config.model });
      const vectors = createVectorRepository(ctx.stores.vectors);
      const controller = new AbortController();
      // Ctrl-C finishes the batch in flight and hands the rest back; a rerun continues from there.
      process.once('SIGINT', () => controller.abort());
      process.once('SIGTERM', () => controller.abort());
      const indexer = createIndexer({
        catalog: ctx.repository,
        vectors,
        media: ctx.media,
        embedder,
        exclusive: ctx.stores.vectors.kind === 'embedded',
        leaseSeconds: config.indexLeaseSeconds,
        background: backgroundFor(config, vectors),
        onProgress: createIndexProgressReporter(
          { isTty: io.isTty, write: (s) => process.stderr.write(s) },
          logEvery,
        ),
      });
      const summary = await indexer.run({
        force: values.force,
        retryFailed: values['retry-failed'],
        batchSize,
        signal: controller.signal,
      });
      const counts = await vectors.counts(summary.model);
      // A complete set of the configured model takes over search; --activate switches even before.
      if (values.activate || (counts.pending === 0 && summary.model === config.model)) {
        await activateModel(vectors, summary.model);
      }
      await embedder.close();
      for (const f of summary.failures)
        io.err(`failed: image ${f.image_id} of product ${f.product_id}: ${f.reason}`);
      const { failures: _failures, ...totals } = summary;
      if (values.json) io.out(JSON.stringify({ ...summary }));
      else
        io.out(
          `embedded ${totals.embedded}, skipped ${totals.skipped}, failed ${totals.failed} in ${totals.seconds} s (${totals.images_per_s} images/s)`,
        );
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
