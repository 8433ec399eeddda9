import type { CatalogRepository } from '../catalog/catalog.repository.ts';
import { NO_AUDIT, type Actor, type CatalogAudit } from '../catalog/catalog.audit.ts';
import { appError } from '../errors/app-error.ts';
import { pinModel, pinnedModel, resolveServingModel } from '../search/active-model.ts';
import type { ModelProvider } from '../search/model.provider.ts';
import type { VectorRepository } from '../search/vector.repository.ts';
import type { IndexJob } from './index.job.ts';

export interface ModelIndexState {
  model: string;
  dim: number | null;
  /** every catalog image had a vector once (the set can serve) */
  complete: boolean;
  serving: boolean;
  configured: boolean;
  /** chosen by a person on the indexing page */
  pinned: boolean;
  /** images with a current vector */
  done: number;
  /** queued: new, changed, or asked to be done again */
  pending: number;
  failed: number;
  /** catalog images: what a complete set covers */
  total: number;
  images_per_s: number;
  eta_s: number | null;
  running: boolean;
}

export interface IndexOverview {
  configured: string;
  serving: string | null;
  /** the model whose vectors are being built or brought up to date, if any */
  building: string | null;
  models: ModelIndexState[];
  /** why indexing cannot run here, when it cannot */
  unavailable: string | null;
}

export interface FailedImage {
  imageId: number;
  productId: number;
  productName: string | null;
  sha256: string | null;
  reason: string;
  attempts: number;
}

/**
 * The «Индексация» page's questions and buttons: per model, how far its vectors are (from the
 * store, so any process sees the same) with the live rate and ETA; the images that failed and
 * why; retrying them, reindexing a product or everything; which model serves and which is being
 * built; switching search to a complete model.
 */
export function createIndexStatusService(deps: {
  catalog: CatalogRepository;
  vectors: VectorRepository | null;
  vectorError?: string | undefined;
  models: Pick<ModelProvider, 'configured' | 'get'>;
  indexJob: Pick<IndexJob, 'trigger' | 'progressOf' | 'running'> | null;
  audit?: CatalogAudit | undefined;
}) {
  const { catalog, models } = deps;
  const audit = deps.audit ?? NO_AUDIT;

  function requireVectors(): VectorRepository {
    if (!deps.vectors) {
      throw appError('VECTOR_STORE_UNAVAILABLE', {
        reason: deps.vectorError ?? 'The vector store is unavailable.',
      });
    }
    return deps.vectors;
  }

  /** Starts the background run now (not at the next poll); never waits for it. */
  function kick() {
    void deps.indexJob?.trigger();
  }

  return {
    async overview(): Promise<IndexOverview> {
      const configured = models.configured;
      if (!deps.vectors) {
        return {
          configured,
          serving: null,
          building: null,
          models: [],
          unavailable: deps.vectorError ?? 'The vector store is unavailable.',
        };
      }
      const vectors = deps.vectors;
      const [rows, total, serving, pinned] = await Promise.all([
        vectors.overview(),
        catalog.imageCount(),
        resolveServingModel(vectors, configured),
        pinnedModel(vectors),
      ]);
      if (!rows.some((r) => r.model === configured)) {
        rows.unshift({
          model: configured,
          dim: null,
          completedAt: null,
          done: 0,
          pending: total,
          failed: 0,
          lastMinute: 0,
        });
      }
      const states = rows.map((r): ModelIndexState => {
        const live = deps.indexJob?.progressOf(r.model) ?? null;
        // This process's own run knows its rate exactly; another process's shows in the store.
        // (vectors written in the last minute mean nothing once the queue is empty)
        const rate = live ? live.imagesPerSecond : r.pending > 0 ? r.lastMinute / 60 : 0;
        const pending = r.pending;
        return {
          model: r.model,
          dim: r.dim,
          complete: r.completedAt !== null,
          serving: r.model === serving,
          configured: r.model === configured,
          pinned: r.model === pinned,
          done: r.done,
          pending,
          failed: r.failed,
          total,
          images_per_s: Math.round(rate * 10) / 10,
          eta_s: pending === 0 ? 0 : rate > 0 ? Math.round(pending / rate) : null,
          running: Boolean(live) || (r.lastMinute > 0 && pending > 0),
        };
      });
      const building =
        states.find((s) => s.configured && (!s.complete || s.pending > 0))?.model ??
        states.find((s) => s.pending > 0)?.model ??
        null;
      return { configured, serving, building, models: states, unavailable: null };
    },

    async failures(
      model: string,
      page = 1,
      perPage = 50,
    ): Promise<{ items: FailedImage[]; hasMore: boolean }> {
      const rows = await requireVectors().failuresPage(model, perPage + 1, (page - 1) * perPage);
      const owners = await catalog.imageOwners(rows.map((r) => r.imageId));
      const items = rows.slice(0, perPage).map((r) => {
        const owner = owners.get(r.imageId);
        return {
          imageId: r.imageId,
          productId: r.productId,
          productName: owner?.name ?? null,
          sha256: owner?.sha256 ?? null,
          reason: r.reason,
          attempts: r.attempts,
        };
      });
      return { items, hasMore: rows.length > perPage };
    },

    /** «Повторить»: the model's failed images (or these) back in the queue. */
    async retry(model: string, actor: Actor, imageIds?: number[]): Promise<number> {
      const n = await requireVectors().retryFailed(model, imageIds);
      await audit.record(actor, 'catalog.change', {
        subject: `index ${model}`,
        details: { event: 'index.retry', images: imageIds ?? 'all failed', count: n },
      });
      kick();
      return n;
    },

    /** A product's photos embedded again by the configured model (its current vectors serve meanwhile). */
    async reindexProduct(productId: number, actor: Actor): Promise<number> {
      const vectors = requireVectors();
      const product = await catalog.get(productId);
      if (!product) throw appError('PRODUCT_NOT_FOUND');
      const n = await vectors.requeue(models.configured, await catalog.productImageRefs(productId));
      await audit.record(actor, 'catalog.change', {
        subject: `product #${productId} ${product.sku}`,
        details: { event: 'index.product', model: models.configured, images: n },
      });
      kick();
      return n;
    },

    /** Every photo again, for the configured model; search keeps answering from the current vectors. */
    async reindexAll(actor: Actor): Promise<number> {
      const n = await requireVectors().requeue(models.configured, await catalog.imageRefs());
      await audit.record(actor, 'catalog.change', {
        subject: `index ${models.configured}`,
        details: { event: 'index.all', images: n },
      });
      kick();
      return n;
    },

    /** Search answers from this model's vectors from now on; only a complete set can serve. */
    async activate(model: string, actor: Actor): Promise<void> {
      const vectors = requireVectors();
      const complete = await vectors.completedModels();
      if (!complete.some((m) => m.id === model)) throw appError('MODEL_NOT_COMPLETE', { model });
      try {
        await models.get(model);
      } catch (error) {
        throw appError('MODEL_UNAVAILABLE', { reason: (error as Error).message }, { cause: error });
      }
      await pinModel(vectors, model, models.configured);
      await audit.record(actor, 'catalog.change', {
        subject: `index ${model}`,
        details: { event: 'index.activate', model },
      });
      kick(); // photos added since its set was completed
    },
  };
}

export type IndexStatusService = ReturnType<typeof createIndexStatusService>;
