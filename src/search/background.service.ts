import type { AppConfig } from '../config/config.schema.ts';
import type { Embedder } from '../embedding/embedding.types.ts';
import { isAppError } from '../errors/app-error.ts';
import { BACKGROUND_K, calibrateMargin, distinct, kthSimilarity } from './background.decision.ts';
import { backgroundFiles, type BackgroundFile } from './background.files.ts';
import type { VectorRepository } from './vector.repository.ts';

const BATCH = 16;
/** how long a process trusts its loaded gallery and margin before looking at the store again */
const RELOAD_MS = 60_000;

export interface BackgroundSummary {
  images: number;
  embedded: number;
  skipped: number;
  margin: number | null;
}

/**
 * The background gallery in the vector store: its vectors embedded once per model (only new or
 * changed files), the margin calibrated against the catalog, and the per-query threshold searches use.
 */
export function createBackground(deps: { vectors: VectorRepository; files: () => BackgroundFile[] }) {
  const { vectors } = deps;
  const loaded = new Map<string, { gallery: Float32Array[]; margin: number; k: number } | null>();
  const loadedAt = new Map<string, number>();

  /**
   * Embeds the gallery's new files, then calibrates the margin on the model's (complete) vector set;
   * skips the calibration when neither the catalog nor the gallery changed since the last one.
   */
  async function prepare(
    model: string,
    embedder: Embedder,
    options: { catalogChanged: boolean },
  ): Promise<BackgroundSummary> {
    const files = deps.files();
    const have = await vectors.backgroundKeys(model);
    const missing = files.filter((f) => !have.has(f.key));
    const gone = [...have].filter((k) => !files.some((f) => f.key === k)).length;
    const previous = await vectors.backgroundCalibration(model);
    if (!options.catalogChanged && missing.length === 0 && gone === 0 && previous) {
      return { images: have.size, embedded: 0, skipped: 0, margin: previous.margin };
    }
    let embedded = 0;
    let skipped = 0;
    for (let i = 0; i < missing.length; i += BATCH) {
      const batch = missing.slice(i, i + BATCH);
      const items = await embedEach(embedder, batch);
      skipped += batch.length - items.length;
      embedded += items.length;
      await vectors.saveBackground(model, items);
    }
    if (gone > 0)
      await vectors.pruneBackground(
        model,
        files.map((f) => f.key),
      );
    const gallery = distinct(await vectors.backgroundVectors(model));
    let margin: number | null = null;
    if (gallery.length > BACKGROUND_K) {
      const best: number[] = [];
      for (const g of gallery) {
        const [top] = await vectors.nearestImages(model, embedder.info.dim, g, 1);
        best.push(top?.similarity ?? -1);
      }
      margin = Math.round(calibrateMargin(gallery, best, BACKGROUND_K) * 10000) / 10000;
    }
    await vectors.saveBackgroundCalibration(model, margin, margin === null ? null : BACKGROUND_K);
    loaded.delete(model);
    return { images: gallery.length, embedded, skipped, margin };
  }

  /**
   * The default threshold for one query: its k-th most similar background image plus the margin.
   * null when the model has no calibrated gallery (packages not installed, set still indexing).
   */
  async function thresholdFor(model: string): Promise<((query: Float32Array) => number) | null> {
    const at = loadedAt.get(model) ?? 0;
    if (!loaded.has(model) || at < Date.now() - RELOAD_MS) {
      // the calibration is one row: read it each time; the vectors only when it changed
      const calibration = await vectors.backgroundCalibration(model);
      const current = loaded.get(model);
      if (!calibration) {
        loaded.set(model, null);
      } else if (!current || current.margin !== calibration.margin || current.k !== calibration.k) {
        const gallery = distinct(await vectors.backgroundVectors(model));
        loaded.set(model, gallery.length > calibration.k ? { gallery, ...calibration } : null);
      }
      loadedAt.set(model, Date.now());
    }
    const g = loaded.get(model);
    if (!g) return null;
    return (query) => Math.round((kthSimilarity(query, g.gallery, g.k) + g.margin) * 10000) / 10000;
  }

  return { prepare, thresholdFor };
}

export type Background = ReturnType<typeof createBackground>;

/** A batch at once; when one file spoils it, file by file, so one unreadable image costs only itself. */
async function embedEach(
  embedder: Embedder,
  batch: BackgroundFile[],
): Promise<{ key: string; vector: Float32Array }[]> {
  try {
    const vectors = await embedder.embedImages(batch.map((f) => f.path));
    return batch.map((f, i) => ({ key: f.key, vector: vectors[i]! }));
  } catch {
    const out: { key: string; vector: Float32Array }[] = [];
    for (const f of batch) {
      try {
        const [vector] = await embedder.embedImages([f.path]);
        out.push({ key: f.key, vector: vector! });
      } catch (error) {
        if (!isAppError(error)) throw error;
      }
    }
    return out;
  }
}

/** The gallery the config names (BACKGROUND_DIR), or null when it is turned off (`none`). */
export function backgroundFor(config: AppConfig, vectors: VectorRepository): Background | null {
  if (config.backgroundDir === 'none') return null;
  return createBackground({ vectors, files: () => backgroundFiles({ dir: config.backgroundDir }) });
}
