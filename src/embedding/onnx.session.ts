import path from 'node:path';
import ort from 'onnxruntime-node';
import { AppError } from '../errors/app-error.ts';

/*
 * The only module that imports onnxruntime-node: the native addon stays swappable and out of tests
 * that do not need it, and its types do not leak into the rest of the app.
 */

export type TensorFeed =
  | { type: 'float32'; data: Float32Array; dims: readonly number[] }
  | { type: 'int64'; data: BigInt64Array; dims: readonly number[] };

export interface FloatOutput {
  data: Float32Array;
  dims: readonly number[];
}

export interface SessionOptions {
  /** intra-op threads; 0 lets onnxruntime choose (one per physical core) */
  threads: number;
  /** one dummy batch run at load so the first real request does not pay for lazy kernel setup */
  warmup: (inputNames: readonly string[]) => Record<string, TensorFeed>;
}

export interface SharedSession {
  readonly modelPath: string;
  readonly inputNames: readonly string[];
  run(feeds: Record<string, TensorFeed>, output: string): Promise<FloatOutput>;
  /** the native session is freed when the last holder releases it */
  release(): Promise<void>;
}

interface CacheEntry {
  session: Promise<ort.InferenceSession>;
  holders: number;
}

/**
 * One native session per model file and thread setting, shared: a CLIP tower is ~90 MB of weights
 * plus arenas, and concurrent run() calls on one session are safe in onnxruntime.
 */
const sessions = new Map<string, CacheEntry>();

export async function acquireSession(modelPath: string, options: SessionOptions): Promise<SharedSession> {
  const key = `${path.resolve(modelPath)}|${options.threads}`;
  let entry = sessions.get(key);
  if (!entry) {
    const created: CacheEntry = { session: load(modelPath, options), holders: 0 };
    entry = created;
    sessions.set(key, created);
    // A failed load must not poison the cache: the next caller (after the user fixes the file) retries.
    created.session.catch(() => {
      if (sessions.get(key) === created) sessions.delete(key);
    });
  }
  entry.holders++;
  let session: ort.InferenceSession;
  try {
    session = await entry.session;
  } catch (error) {
    entry.holders--;
    throw error;
  }
  return handle(key, entry, session, modelPath);
}

/** How many native sessions are alive; for tests and diagnostics. */
export function openSessionCount(): number {
  return sessions.size;
}

function handle(
  key: string,
  entry: CacheEntry,
  session: ort.InferenceSession,
  modelPath: string,
): SharedSession {
  let released = false;
  return {
    modelPath,
    inputNames: session.inputNames,
    run: async (feeds, output) => {
      if (released) throw new AppError('MODEL_CLOSED', 'The embedder was closed.', 500);
      return runSession(session, feeds, output, modelPath);
    },
    release: async () => {
      if (released) return;
      released = true;
      entry.holders--;
      if (entry.holders === 0 && sessions.get(key) === entry) {
        sessions.delete(key);
        await session.release();
      }
    },
  };
}

async function load(modelPath: string, options: SessionOptions): Promise<ort.InferenceSession> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelPath, {
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      // errors only: onnxruntime's warnings (unused initializers, etc.) are noise on a user's terminal
      logSeverityLevel: 3,
      ...(options.threads > 0 ? { intraOpNumThreads: options.threads } : {}),
    });
  } catch (error) {
    throw new AppError(
      'MODEL_LOAD_FAILED',
      `onnxruntime could not load ${modelPath}: ${error instanceof Error ? error.message : String(error)}`,
      503,
      { cause: error },
    );
  }
  try {
    const feeds = options.warmup(session.inputNames);
    await session.run(toOrtFeeds(feeds));
  } catch (error) {
    await session.release();
    throw new AppError(
      'MODEL_LOAD_FAILED',
      `${modelPath} loaded but failed its warm-up run (inputs ${session.inputNames.join(', ')}): ` +
        `${error instanceof Error ? error.message : String(error)}`,
      503,
      { cause: error },
    );
  }
  return session;
}

async function runSession(
  session: ort.InferenceSession,
  feeds: Record<string, TensorFeed>,
  output: string,
  modelPath: string,
): Promise<FloatOutput> {
  if (!session.outputNames.includes(output)) {
    throw new AppError(
      'MODEL_OUTPUT_MISMATCH',
      `${modelPath} has no output "${output}" (it has ${session.outputNames.join(', ')}).`,
      500,
    );
  }
  // Fetching only the wanted output lets onnxruntime skip branches like mobilenet's 1000-class head.
  const results = await session.run(toOrtFeeds(feeds), [output]);
  const tensor = results[output];
  if (!tensor || tensor.type !== 'float32') {
    throw new AppError('MODEL_OUTPUT_MISMATCH', `${modelPath} output "${output}" is not float32.`, 500);
  }
  return { data: tensor.data as Float32Array, dims: tensor.dims };
}

function toOrtFeeds(feeds: Record<string, TensorFeed>): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const [name, feed] of Object.entries(feeds)) {
    out[name] =
      feed.type === 'float32'
        ? new ort.Tensor('float32', feed.data, [...feed.dims])
        : new ort.Tensor('int64', feed.data, [...feed.dims]);
  }
  return out;
}
