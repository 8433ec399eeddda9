import path from 'node:path';
import { createEmbedder } from '../../embedding/embedder.factory.ts';
import { appError } from '../../errors/app-error.ts';
import { readManifest, readNegatives } from '../../eval/eval.manifest.ts';
import { KEPT, PLAIN, runEval, type EvalResult, type EvalVariant } from '../../eval/eval.service.ts';
import { parseCliArgs } from '../cli.args.ts';
import type { CliCommand } from '../cli.types.ts';

const usage =
  'eval --manifest <csv> [--manifest <csv> …] [--negatives <csv>] [--model M] [--threshold T] [--plain | --compare] [--json]';

const pct = (x: number | null) => (x === null ? '–' : x.toFixed(3));

/** One markdown table: every protocol, each variant in a row, latency as a ratio to plain cosine. */
function comparisonTable(protocols: { name: string; result: EvalResult }[]): string {
  const lines = [
    '| protocol | variant | R@1 | R@5 | R@10 | MRR | above thr. | negatives rejected | thr. p50 | ms/query p50 | × plain |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { name, result } of protocols) {
    const plainMs = result.variants[0]!.ms_per_query_p50 || 1;
    for (const v of result.variants) {
      lines.push(
        `| ${name} | ${v.variant} | ${pct(v.recall_at_1)} | ${pct(v.recall_at_5)} | ${pct(v.recall_at_10)} | ` +
          `${pct(v.mrr)} | ${pct(v.above_threshold)} | ${pct(v.negatives_rejected)} | ${v.threshold} | ` +
          `${v.ms_per_query_p50} | ${(v.ms_per_query_p50 / plainMs).toFixed(2)} |`,
      );
    }
  }
  return lines.join('\n');
}

export const evalCommand: CliCommand = {
  name: 'eval',
  usage,
  summary: 'measure search quality on labelled image sets',
  async run(argv, { config, io }) {
    const { values } = parseCliArgs(
      argv,
      {
        manifest: { type: 'string', multiple: true },
        negatives: { type: 'string' },
        model: { type: 'string' },
        threshold: { type: 'string' },
        plain: { type: 'boolean', default: false },
        compare: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
      usage,
      false,
    );
    const manifests = values.manifest ?? [];
    if (manifests.length === 0)
      throw appError('CLI_USAGE', { details: `--manifest is required\nUsage: vitrina ${usage}` });
    if (values.plain && values.compare)
      throw appError('CLI_USAGE', { details: '--plain and --compare exclude each other' });
    const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
    if (threshold !== undefined && !(threshold >= -1 && threshold <= 1))
      throw appError('CLI_USAGE', { details: '--threshold is a cosine similarity from -1 to 1' });
    // read everything first: a typo in the third manifest should not cost two protocols' runs
    const protocols = await Promise.all(
      manifests.map(async (m) => ({ file: m, rows: await readManifest(m) })),
    );
    const negatives = values.negatives ? await readNegatives(values.negatives) : undefined;
    const variants: EvalVariant[] = values.compare ? [PLAIN, KEPT] : values.plain ? [PLAIN] : [KEPT];
    const embedder = await createEmbedder({ config, modelId: values.model ?? config.model });
    try {
      const results: { name: string; result: EvalResult }[] = [];
      for (const p of protocols) {
        io.err(`protocol ${p.file}`);
        const result = await runEval({
          config,
          embedder,
          manifest: p.rows,
          negatives,
          threshold,
          variants,
          log: io.err,
        });
        for (const u of result.unreadable) io.err(`skipped ${u.path}: ${u.reason}`);
        results.push({ name: path.basename(p.file, '.csv'), result });
      }
      if (values.json) {
        const shaped = results.map(({ name, result }) => {
          const { unreadable: _u, variants: vs, ...rest } = result;
          // one protocol, one variant: the flat shape the contract names
          return vs.length === 1
            ? { protocol: name, ...rest, ...vs[0]! }
            : { protocol: name, ...rest, variants: vs };
        });
        io.out(JSON.stringify(shaped.length === 1 ? shaped[0] : shaped));
      } else if (values.compare) {
        io.out(comparisonTable(results));
      } else {
        for (const { name, result } of results) {
          const v = result.variants[0]!;
          io.out(
            [
              `${name}: model ${result.model}, ${result.groups} products, ${v.queries} queries, ${v.variant}, threshold ${threshold ?? `per query (p50 ${v.threshold})`}`,
              `recall@1 ${pct(v.recall_at_1)}  recall@5 ${pct(v.recall_at_5)}  recall@10 ${pct(v.recall_at_10)}  MRR ${pct(v.mrr)}`,
              `right product above threshold ${pct(v.above_threshold)}  negatives rejected ${pct(v.negatives_rejected)}`,
              `${result.seconds} s (${v.ms_per_query_p50} ms per query, p50)`,
            ].join('\n'),
          );
        }
      }
      return 0;
    } finally {
      await embedder.close();
    }
  },
};
