import type { AppConfig } from '../config/config.schema.ts';
import { createEmbedder } from '../embedding/embedder.factory.ts';
import type { Embedder } from '../embedding/embedding.types.ts';
import { isAppError } from '../errors/app-error.ts';

export type ModelState =
  | { status: 'loading'; model: string }
  | { status: 'ready'; model: string; dim: number }
  /** `code`: the error's stable code when it has one (the page words the fix from it) */
  | { status: 'unavailable'; model: string; reason: string; code?: string | undefined };

export type EmbedderLoader = (modelId: string) => Promise<Embedder>;

/**
 * Loads embedders once per model and shares them. The server starts serving the catalog before
 * the model is ready; a model that cannot be loaded is reported, not fatal.
 */
export function createModelProvider(
  config: AppConfig,
  load: EmbedderLoader = (modelId) => createEmbedder({ config, modelId }),
) {
  const loads = new Map<string, Promise<Embedder>>();
  const states = new Map<string, ModelState>();

  function get(modelId: string): Promise<Embedder> {
    let pending = loads.get(modelId);
    if (!pending) {
      states.set(modelId, { status: 'loading', model: modelId });
      pending = load(modelId).then(
        (embedder) => {
          states.set(modelId, { status: 'ready', model: modelId, dim: embedder.info.dim });
          return embedder;
        },
        (error: unknown) => {
          states.set(modelId, {
            status: 'unavailable',
            model: modelId,
            reason: (error as Error).message,
            code: isAppError(error) ? error.code : undefined,
          });
          loads.delete(modelId); // a later request may retry (e.g. after the files were put in place)
          throw error;
        },
      );
      loads.set(modelId, pending);
    }
    return pending;
  }

  return {
    configured: config.model,
    get,
    state: (modelId = config.model): ModelState =>
      states.get(modelId) ?? { status: 'loading', model: modelId },
    /** the embedder if already loaded, without waiting */
    ready(modelId = config.model): boolean {
      return states.get(modelId)?.status === 'ready';
    },
    async closeAll() {
      for (const pending of loads.values()) await (await pending.catch(() => null))?.close();
    },
  };
}

export type ModelProvider = ReturnType<typeof createModelProvider>;
