import type { VectorRepository } from './vector.repository.ts';

const ACTIVE_KEY = 'active_model';
/** a model a person chose on the indexing page: it serves until they choose again */
const PINNED_KEY = 'pinned_model';

/**
 * Which model's vectors answer searches. A model a person chose on the indexing page serves while
 * its set is complete. Otherwise the configured model serves once its vector set is complete;
 * until then the previously active complete set keeps serving, so changing MODEL never leaves
 * search empty while the new vectors are built.
 */
export async function resolveServingModel(
  vectors: VectorRepository,
  configured: string,
): Promise<string | null> {
  const [active, pinned, complete] = await Promise.all([
    vectors.getSetting(ACTIVE_KEY),
    vectors.getSetting(PINNED_KEY),
    vectors.completedModels(),
  ]);
  if (pinned && complete.some((m) => m.id === pinned)) return pinned;
  // activated on request (vitrina index --activate): serves even before its set is complete
  if (active === configured) return configured;
  if (complete.some((m) => m.id === configured)) return configured;
  if (active && complete.some((m) => m.id === active)) return active;
  return complete[0]?.id ?? null;
}

export async function activateModel(vectors: VectorRepository, model: string): Promise<void> {
  await vectors.setSetting(ACTIVE_KEY, model);
}

/**
 * A person's choice: this complete model serves from now on. Choosing the configured model hands
 * the choice back to the configuration (a later MODEL change switches once its set is complete).
 */
export async function pinModel(vectors: VectorRepository, model: string, configured: string): Promise<void> {
  await vectors.setSetting(PINNED_KEY, model === configured ? '' : model);
  await activateModel(vectors, model);
}

export async function pinnedModel(vectors: VectorRepository): Promise<string | null> {
  return (await vectors.getSetting(PINNED_KEY)) || null;
}
