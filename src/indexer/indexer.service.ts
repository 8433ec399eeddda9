import os from 'node:os';
import { INDEX_LEASE_SECONDS_DEFAULT } from '../config/config.schema.ts';
import type { CatalogRepository } from '../catalog/catalog.repository.ts';
import type { MediaStore } from '../catalog/media.store.ts';
import type { Background, BackgroundSummary } from '../search/background.service.ts';
import type { Embedder } from '../embedding/embedding.types.ts';
import { isAppError } from '../errors/app-error.ts';
import type { ClaimedTask, VectorRepository } from '../search/vector.repository.ts';

export interface IndexOptions {
  force?: boolean;
  retryFailed?: boolean;
  batchSize?: number;
  /** stop after this many batches (tests use it to stop half-way) */
  maxBatches?: number;
  signal?: AbortSignal;
}

export interface IndexProgress {
  model: string;
  total: number;
  done: number;
  embedded: number;
  failed: number;
  imagesPerSecond: number;
  etaSeconds: number | null;
}

export interface IndexSummary {
  model: string;
  embedded: number;
  skipped: number;
  failed: number;
  seconds: number;
  images_per_s: number;
  failures: { image_id: number; product_id: number; reason: string }[];
  /** the background gallery's state for "nothing similar", when the indexer has one */
  background?: BackgroundSummary;
}

/**
 * Vectors one run writes between ANALYZEs, so the planner's row counts follow a large set being
 * written (the embedded store has no autovacuum to do it).
 */
const ANALYZE_EVERY = 10_000;

/**
 * Embeds every catalog image lacking a current vector for the embedder's model. Work is claimed
 * from a queue in the vector store in batches; the next batch is claimed and decoded while the
 * model runs the current one, so both cores stay busy.
 */
export function createIndexer(deps: {
  catalog: CatalogRepository;
  vectors: VectorRepository;
  media: MediaStore;
  embedder: Embedder;
  /** true when no other process can hold leases (embedded store): stale leases are released at once */
  exclusive: boolean;
  onProgress?: (p: IndexProgress) => void;
  /** embedded and calibrated once the set is complete (background.service.ts) */
  background?: Background | null;
  /** INDEX_LEASE_SECONDS: how long a claimed batch stays this worker's */
  leaseSeconds?: number;
}) {
  const { catalog, vectors, media, embedder } = deps;
  const leaseSeconds = deps.leaseSeconds ?? INDEX_LEASE_SECONDS_DEFAULT;
  const model = embedder.info.id;
  const worker = `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;

  async function prepare(tasks: ClaimedTask[]) {
    const results = await Promise.all(
      tasks.map(async (task) => {
        try {
          const bytes = await media.read(task.sha256);
          return { task, tensor: await embedder.preprocess(bytes) };
        } catch (error) {
          return {
            task,
            error: isAppError(error) ? error.message : `cannot read image: ${(error as Error).message}`,
          };
        }
      }),
    );
    return {
      ok: results.filter((r): r is { task: ClaimedTask; tensor: Float32Array } => 'tensor' in r),
      failed: results.filter((r): r is { task: ClaimedTask; error: string } => 'error' in r),
    };
  }

  async function run(options: IndexOptions = {}): Promise<IndexSummary> {
    const started = performance.now();
    const batchSize = options.batchSize ?? 16;
    if (deps.exclusive) await vectors.releaseLeases(model);
    const refs = await catalog.imageRefs();
    await vectors.syncTasks(model, refs, {
      force: Boolean(options.force),
      retryFailed: Boolean(options.retryFailed),
    });
    const before = await vectors.counts(model);
    const todo = before.pending;
    let embedded = 0;
    let failed = 0;
    let batches = 0;

    const report = () => {
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? embedded / seconds : 0;
      const left = Math.max(0, todo - embedded - failed);
      deps.onProgress?.({
        model,
        total: todo,
        done: embedded + failed,
        embedded,
        failed,
        imagesPerSecond: rate,
        etaSeconds: rate > 0 ? left / rate : null,
      });
    };

    const claimNext = async () => {
      if (options.signal?.aborted || (options.maxBatches !== undefined && batches >= options.maxBatches))
        return null;
      const tasks = await vectors.claim(model, worker, batchSize, leaseSeconds);
      if (tasks.length === 0) return null;
      batches++;
      return prepare(tasks);
    };

    // Three stages overlap: batch n+1 is claimed and decoded and batch n-1's vectors are written
    // while the model runs batch n. Writing alone costs ~3 ms per 1280-d vector in the embedded
    // store (text parsing in WASM), as much as a MobileNet forward pass.
    let saving: Promise<void> = Promise.resolve();
    let sinceAnalyze = 0;
    const save = async (items: { task: ClaimedTask; vector: Float32Array }[]) => {
      await vectors.saveVectors(model, embedder.info.dim, items);
      embedded += items.length;
      sinceAnalyze += items.length;
      if (sinceAnalyze >= ANALYZE_EVERY) {
        sinceAnalyze = 0;
        await vectors.analyzeEmbeddings();
      }
      report();
    };
    try {
      report();
      let next = claimNext();
      for (let batch = await next; batch; batch = await next) {
        next = claimNext();
        next.catch(() => {});
        if (batch.failed.length) {
          await vectors.markFailed(
            model,
            batch.failed.map((f) => ({ imageId: f.task.imageId, reason: f.error })),
          );
          failed += batch.failed.length;
          report();
        }
        if (batch.ok.length) {
          const ok = batch.ok;
          const vecs = await embedder.embedPreprocessed(ok.map((b) => b.tensor));
          await saving; // one write at a time, and a failed write stops the run here
          saving = save(ok.map((b, i) => ({ task: b.task, vector: vecs[i]! })));
          saving.catch(() => {}); // observed by the next await; not an unhandled rejection meanwhile
        }
      }
      await saving;
    } finally {
      await saving.catch(() => {});
      await vectors.releaseLeases(model, worker).catch(() => {});
    }

    let background: BackgroundSummary | undefined;
    const after = await vectors.counts(model);
    if (after.pending === 0 && after.embedded > 0) {
      await vectors.ensureIndex(model, embedder.info.dim);
      // the kNN plan rests on these statistics (vector.repository.ts); a store indexed before they
      // were kept gets them on its next run even when nothing new was embedded
      await vectors.analyzeEmbeddings({ ifMissing: embedded === 0 });
      if (embedded > 0 || !(await vectors.calibration(model)))
        await vectors.calibrate(model, embedder.info.dim);
      await vectors.markComplete(model);
      if (deps.background)
        background = await deps.background.prepare(model, embedder, { catalogChanged: embedded > 0 });
    }
    const seconds = (performance.now() - started) / 1000;
    const failures = failed > 0 || options.retryFailed ? await vectors.failures(model) : [];
    return {
      model,
      embedded,
      skipped: before.embedded,
      failed,
      seconds: Math.round(seconds * 100) / 100,
      images_per_s: seconds > 0 ? Math.round((embedded / seconds) * 10) / 10 : 0,
      failures: failures.map((f) => ({ image_id: f.imageId, product_id: f.productId, reason: f.reason })),
      ...(background ? { background } : {}),
    };
  }

  return { run, model, worker };
}

export type Indexer = ReturnType<typeof createIndexer>;
