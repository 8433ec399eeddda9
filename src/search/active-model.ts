import type { VectorRepository } from './vector.repository.ts';

const ACTIVE_KEY = 'active_model';

/**
 * Which model's vectors answer searches. The configured model serves once its vector set is
 * complete; until then the previously active complete set keeps serving, so changing MODEL
 * never leaves search empty while the new vectors are built.
 */
export async function resolveServingModel(
  vectors: VectorRepository,
  configured: string,
): Promise<string | null> {
  const active = await vectors.getSetting(ACTIVE_KEY);
  // activated on request (vitrina index --activate): serves even before its set is complete
  if (active === configured) return configured;
  const complete = await vectors.completedModels();
  if (complete.some((m) => m.id === configured)) return configured;
  if (active && complete.some((m) => m.id === active)) return active;
  return complete[0]?.id ?? null;
}

export async function activateModel(vectors: VectorRepository, model: string): Promise<void> {
  await vectors.setSetting(ACTIVE_KEY, model);
}
