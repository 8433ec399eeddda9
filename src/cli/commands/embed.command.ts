import fs from 'node:fs/promises';
import { progressForCli } from '../../embedding/download.progress.ts';
import { createEmbedder } from '../../embedding/embedder.factory.ts';
import { getModelEntry } from '../../embedding/model.registry.ts';
import { appError } from '../../errors/app-error.ts';
import { MODEL_OPTIONS, parseCliArgs, reportingAppErrors } from '../cli.args.ts';
import type { CliCommand } from '../cli.types.ts';

const USAGE = 'embed <image-or-text> [--model M] [--json]';

export interface EmbedCommandDeps {
  createEmbedder: typeof createEmbedder;
}

/** Deps are injectable so tests can run the command on generated models. */
export function createEmbedCommand(deps: EmbedCommandDeps = { createEmbedder }): CliCommand {
  return {
    name: 'embed',
    usage: USAGE,
    summary: 'print the embedding vector of an image file or of a text',
    run: (argv, { config, io }) =>
      reportingAppErrors(io, async () => {
        const { values, positionals } = parseCliArgs(argv, MODEL_OPTIONS, USAGE);
        const [input, ...extra] = positionals;
        if (input === undefined || extra.length > 0) {
          throw appError('CLI_USAGE', {
            details: `Expected exactly one image path or text (quote text with spaces).\nUsage: vitrina ${USAGE}`,
          });
        }
        const modelId = values.model ?? config.model;
        const entry = getModelEntry(modelId);
        const isImage = await isFile(input);
        // Checked before loading anything: a text query must not first download 90 MB of vision tower.
        if (!isImage && !entry.hasTextTower) {
          throw appError('MODEL_NO_TEXT', { model: modelId, input });
        }
        const embedder = await deps.createEmbedder({ config, modelId, onProgress: progressForCli(io) });
        try {
          const [vector] = isImage ? await embedder.embedImages([input]) : await embedder.embedTexts([input]);
          if (!vector) throw appError('EMBED_FAILED');
          const model = embedder.info.id;
          const numbers = Array.from(vector, float32ToNumber);
          if (values.json) {
            io.out(JSON.stringify({ model, dim: numbers.length, vector: numbers }));
          } else {
            io.out(`model   ${model} (${numbers.length}-d)`);
            io.out(`input   ${isImage ? `image ${input}` : `text ${JSON.stringify(input)}`}`);
            io.out(`vector  ${preview(numbers)}`);
          }
          return 0;
        } finally {
          await embedder.close();
        }
      }),
  };
}

export const embedCommand = createEmbedCommand();

async function isFile(candidate: string): Promise<boolean> {
  try {
    return (await fs.stat(candidate)).isFile();
  } catch {
    return false;
  }
}

/** Nine significant digits round-trip any float32 exactly and keep the JSON a third shorter. */
function float32ToNumber(value: number): number {
  return Number(value.toPrecision(9));
}

function preview(values: number[]): string {
  const shown = (xs: number[]) => xs.map((v) => v.toFixed(4)).join(', ');
  return values.length <= 8
    ? `[${shown(values)}]`
    : `[${shown(values.slice(0, 4))}, …, ${shown(values.slice(-2))}]`;
}
