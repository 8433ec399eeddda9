import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { appError } from '../errors/app-error.ts';

/*
 * The only module that talks to onnxruntime-node (through onnx.worker.mjs): the native addon stays
 * swappable and out of tests that do not need it, and its types do not leak into the rest of the app.
 *
 * Each session lives in its own worker thread because onnxruntime-node's run() is synchronous: on the
 * main thread a batch-16 CLIP forward (0.3 s int8, 1 s fp32 on 2 cores) froze the event loop, so
 * HTTP requests waited and the indexer could not decode its next batch while the model ran.
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

interface WorkerReply {
  inputNames?: string[];
  outputNames?: string[];
  outputs?: Record<string, { type: string; data: Float32Array; dims: number[] }>;
}

interface WorkerSession {
  inputNames: readonly string[];
  outputNames: readonly string[];
  call(message: Record<string, unknown>): Promise<WorkerReply>;
  /** frees the native session and ends the thread */
  release(): Promise<void>;
}

interface CacheEntry {
  session: Promise<WorkerSession>;
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
  let session: WorkerSession;
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

function handle(key: string, entry: CacheEntry, session: WorkerSession, modelPath: string): SharedSession {
  let released = false;
  return {
    modelPath,
    inputNames: session.inputNames,
    run: async (feeds, output) => {
      if (released) throw appError('MODEL_CLOSED', { model: path.basename(modelPath) });
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

const workerUrl = new URL('./onnx.worker.mjs', import.meta.url);

function startWorker(modelPath: string, options: SessionOptions): WorkerSession {
  const worker = new Worker(workerUrl, {
    workerData: {
      modelPath,
      sessionOptions: {
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        // errors only: onnxruntime's warnings (unused initializers, etc.) are noise on a user's terminal
        logSeverityLevel: 3,
        ...(options.threads > 0 ? { intraOpNumThreads: options.threads } : {}),
      },
    },
  });
  // Idle, the thread must not keep the process alive (CLI commands exit when done); with a call in
  // flight it must, as any pending I/O would.
  worker.unref();
  const pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let dead: Error | undefined;
  const failAll = (error: Error) => {
    dead ??= error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('message', (msg: WorkerReply & { id: number; ok: boolean; message?: string }) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (pending.size === 0) worker.unref();
    if (msg.ok) p.resolve(msg);
    else p.reject(new Error(msg.message));
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`onnxruntime worker exited with code ${code}`)));
  const call = (message: Record<string, unknown>) =>
    new Promise<WorkerReply>((resolve, reject) => {
      if (dead) return reject(dead);
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.ref();
      // feeds are copied (structured clone), not transferred: callers may still hold them
      worker.postMessage({ ...message, id });
    });
  return {
    inputNames: [],
    outputNames: [],
    call,
    release: async () => {
      await call({ type: 'release' }).catch(() => undefined);
      await worker.terminate();
    },
  };
}

async function load(modelPath: string, options: SessionOptions): Promise<WorkerSession> {
  const session = startWorker(modelPath, options);
  try {
    const reply = await session.call({ type: 'load' });
    session.inputNames = reply.inputNames ?? [];
    session.outputNames = reply.outputNames ?? [];
  } catch (error) {
    await session.release();
    throw appError(
      'MODEL_LOAD_FAILED',
      {
        details: `onnxruntime could not load ${modelPath}: ${error instanceof Error ? error.message : String(error)}`,
      },
      { cause: error },
    );
  }
  try {
    const feeds = options.warmup(session.inputNames);
    await session.call({ type: 'run', feeds, fetches: session.outputNames });
  } catch (error) {
    await session.release();
    throw appError(
      'MODEL_LOAD_FAILED',
      {
        details:
          `${modelPath} loaded but failed its warm-up run (inputs ${session.inputNames.join(', ')}): ` +
          `${error instanceof Error ? error.message : String(error)}`,
      },
      { cause: error },
    );
  }
  return session;
}

async function runSession(
  session: WorkerSession,
  feeds: Record<string, TensorFeed>,
  output: string,
  modelPath: string,
): Promise<FloatOutput> {
  if (!session.outputNames.includes(output)) {
    throw appError('MODEL_OUTPUT_MISMATCH', {
      details: `${modelPath} has no output "${output}" (it has ${session.outputNames.join(', ')}).`,
    });
  }
  // Fetching only the wanted output lets onnxruntime skip branches like mobilenet's 1000-class head.
  const reply = await session.call({ type: 'run', feeds, fetches: [output] });
  const tensor = reply.outputs?.[output];
  if (!tensor || tensor.type !== 'float32') {
    throw appError('MODEL_OUTPUT_MISMATCH', { details: `${modelPath} output "${output}" is not float32.` });
  }
  return { data: tensor.data, dims: tensor.dims };
}
