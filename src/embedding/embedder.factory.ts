import type { AppConfig } from '../config/config.schema.ts';
import { loadClipTokenizer } from './clip.tokenizer.ts';
import type { Embedder } from './embedding.types.ts';
import type { ProgressListener } from './model.download.ts';
import { pathOfRole, resolveModelFiles } from './model.files.ts';
import { getModelEntry, type ModelEntry } from './model.registry.ts';
import { OnnxEmbedder, type TextParts } from './onnx.embedder.ts';
import { acquireSession, INT8_CONFIG, type TensorFeed } from './onnx.session.ts';

export interface CreateEmbedderOptions {
  config: AppConfig;
  /** registry id; defaults to config.model */
  modelId?: string;
  /** used instead of the registry entry (benchmarks on generated models) */
  entry?: ModelEntry;
  onProgress?: ProgressListener;
}

/**
 * Resolves and verifies every file first (downloading if needed), then opens the vision session.
 * Nothing is loaded unless all files are good, so failure never leaves a half-working embedder.
 */
export async function createEmbedder(options: CreateEmbedderOptions): Promise<Embedder> {
  const { config } = options;
  const entry = options.entry ?? getModelEntry(options.modelId ?? config.model);
  const files = await resolveModelFiles(config, entry, { onProgress: options.onProgress });

  const size = entry.preprocessing.cropSize;
  const vision = await acquireSession(pathOfRole(files, 'vision'), {
    threads: config.ortThreads,
    config: INT8_CONFIG,
    ...(entry.vision.spatialOutput ? { extraOutputs: [entry.vision.spatialOutput] } : {}),
    warmup: () => ({
      [entry.vision.input]: {
        type: 'float32',
        data: new Float32Array(3 * size * size),
        dims: [1, 3, size, size],
      },
    }),
  });

  let text: TextParts | undefined;
  if (entry.hasTextTower) {
    try {
      const tower = entry.text;
      const tokenizer = await loadClipTokenizer(
        pathOfRole(files, 'tokenizer'),
        pathOfRole(files, 'config'),
        tower.maxTokens,
      );
      const textPath = pathOfRole(files, 'text');
      const warmupIds = tokenizer.encodeBatch(['a photo']);
      const warmup = (inputNames: readonly string[]) => {
        const dims = [warmupIds.rows, warmupIds.length];
        const feeds: Record<string, TensorFeed> = {
          [tower.inputIds]: { type: 'int64', data: warmupIds.inputIds, dims },
        };
        if (inputNames.includes(tower.attentionMask)) {
          feeds[tower.attentionMask] = { type: 'int64', data: warmupIds.attentionMask, dims };
        }
        return feeds;
      };
      text = {
        tower,
        tokenizer,
        session: () => acquireSession(textPath, { threads: config.ortThreads, config: INT8_CONFIG, warmup }),
      };
    } catch (error) {
      await vision.release();
      throw error;
    }
  }

  return new OnnxEmbedder(entry, vision, text, { maxPixels: config.maxImagePixels });
}
