import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config/config.schema.ts';
import type { IndexStatus } from '../indexer/index.job.ts';
import { resolveServingModel } from './active-model.ts';
import type { ModelProvider, ModelState } from './model.provider.ts';
import type { VectorRepository } from './vector.repository.ts';

/** Whether «По фото» can be used now; when not, why, and the command that fixes it. */
export type PhotoAvailability =
  | { status: 'ready' }
  /** the model is still loading: searches wait for it, so the button stays usable */
  | { status: 'loading'; model: string }
  | { status: 'off'; reason: 'vector_store'; fix: string }
  | { status: 'off'; reason: 'model'; model: string; fix: string | undefined }
  /** no complete vector set yet: `running` says whether the indexer is at work */
  | {
      status: 'off';
      reason: 'indexing';
      done: number;
      total: number;
      running: boolean;
      fix: string | undefined;
    }
  | { status: 'off'; reason: 'no_images'; fix: undefined };

/** The offline model beside the project (as the demo dataset is), when this machine has it. */
export function localModelDir(): string | null {
  const dir = path.resolve(import.meta.dirname, '../../../shared/models/mobilenetv2-12-int8');
  return fs.existsSync(path.join(dir, 'model.onnx')) ? dir : null;
}

/** The one command that gets a model loaded, as exact as this machine allows. */
export function modelFix(config: AppConfig, state: ModelState): string | undefined {
  const local = localModelDir();
  if (local && !(config.model === 'mobilenetv2-int8' && config.modelDir === local)) {
    const dir = path.relative(process.cwd(), local) || '.';
    return `MODEL=mobilenetv2-int8 MODEL_DIR=${dir} npm start`;
  }
  if (state.status === 'unavailable' && state.code === 'MODEL_FILE_INVALID') {
    return `npx vitrina model info --model ${state.model}`;
  }
  return `npx vitrina model pull --model ${state.model}`;
}

export async function photoAvailability(deps: {
  config: AppConfig;
  vectors: VectorRepository | null;
  models: ModelProvider;
  indexStatus?: (() => Promise<IndexStatus>) | undefined;
}): Promise<PhotoAvailability> {
  const { vectors, models, config } = deps;
  if (!vectors)
    return { status: 'off', reason: 'vector_store', fix: 'VECTOR_DATABASE_URL=embedded npm start' };
  const serving = (await resolveServingModel(vectors, models.configured)) ?? models.configured;
  const state = models.state(serving);
  if (state.status === 'unavailable') {
    return { status: 'off', reason: 'model', model: serving, fix: modelFix(config, state) };
  }
  const complete = (await vectors.completedModels()).some((m) => m.id === serving);
  if (!complete) {
    const index = await deps.indexStatus?.().catch(() => undefined);
    if (index && index.total === 0) return { status: 'off', reason: 'no_images', fix: undefined };
    return {
      status: 'off',
      reason: 'indexing',
      done: index?.embedded ?? 0,
      total: index?.total ?? 0,
      running: index?.running ?? false,
      fix: index?.running ? undefined : 'npx vitrina index',
    };
  }
  return state.status === 'ready' ? { status: 'ready' } : { status: 'loading', model: serving };
}
