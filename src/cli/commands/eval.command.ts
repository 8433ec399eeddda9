import { createEmbedder } from '../../embedding/embedder.factory.ts';
import type { Embedder } from '../../embedding/embedding.types.ts';
import { appError } from '../../errors/app-error.ts';
import { readManifest, readNegatives } from '../../eval/eval.manifest.ts';
import { runEval } from '../../eval/eval.service.ts';
import { parseCliArgs } from '../cli.args.ts';
import type { CliCommand } from '../cli.types.ts';

const usage =
  'eval --manifest <csv> [--negatives <csv>] [--model M] [--threshold T] [--crops 1,0.8,0.6] [--json]';

function parseCrops(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const crops = value.split(',').map(Number);
  if (!crops.length || crops.some((c) => !(c > 0 && c <= 1)))
    throw appError('CLI_USAGE', { details: '--crops takes fractions in (0, 1], e.g. 1,0.8,0.6' });
  return crops;
}

/** Same model, other query crops: lets eval compare variants without editing the registry. */
function withCrops(embedder: Embedder, crops: number[] | undefined): Embedder {
  if (!crops) return embedder;
  return Object.assign(Object.create(embedder) as Embedder, {
    info: { ...embedder.info, queryCrops: crops },
  });
}

export const evalCommand: CliCommand = {
  name: 'eval',
  usage,
  summary: 'measure search quality on a labelled image set',
  async run(argv, { config, io }) {
    const { values } = parseCliArgs(
      argv,
      {
        manifest: { type: 'string' },
        negatives: { type: 'string' },
        model: { type: 'string' },
        threshold: { type: 'string' },
        crops: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      usage,
      false,
    );
    if (!values.manifest)
      throw appError('CLI_USAGE', { details: `--manifest is required\nUsage: vitrina ${usage}` });
    const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
    if (threshold !== undefined && !(threshold >= -1 && threshold <= 1))
      throw appError('CLI_USAGE', { details: '--threshold is a cosine similarity from -1 to 1' });
    const manifest = await readManifest(values.manifest);
    const negatives = values.negatives ? await readNegatives(values.negatives) : undefined;
    const embedder = withCrops(
      await createEmbedder({ config, modelId: values.model ?? config.model }),
      parseCrops(values.crops),
    );
    try {
      const result = await runEval({ config, embedder, manifest, negatives, threshold, log: io.err });
      for (const u of result.unreadable) io.err(`skipped ${u.path}: ${u.reason}`);
      if (values.json) {
        const { unreadable: _u, ...rest } = result;
        io.out(JSON.stringify(rest));
      } else {
        const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
        io.out(
          [
            `model ${result.model}, ${result.groups} products, ${result.queries} queries, threshold ${result.threshold}`,
            `recall@1 ${pct(result.recall_at_1)}  recall@5 ${pct(result.recall_at_5)}  recall@10 ${pct(result.recall_at_10)}  MRR ${result.mrr.toFixed(3)}`,
            `right product above threshold ${pct(result.above_threshold)}  negatives rejected ${pct(result.negatives_rejected)}`,
            `${result.seconds} s (${result.ms_per_query_p50} ms per query, p50)`,
          ].join('\n'),
        );
      }
      return 0;
    } finally {
      await embedder.close();
    }
  },
};
