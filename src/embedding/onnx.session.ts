import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { appError } from '../errors/app-error.ts';
import { withGraphOutputs } from './onnx.model-bytes.ts';

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

/**
 * u8s8 integer kernels (uint8 activations x int8 weights) sum pairs of products into int16 with
 * saturation (VPMADDUBSW) on x86 CPUs without VNNI, so an int8 model's vectors would depend on the
 * CPU. This session option makes onnxruntime convert int8 weights to uint8 and use the u8u8 kernels,
 * which do not saturate (docs/eval.md, "int8 results and the CPU"). No effect on float models or on
 * other architectures.
 */
export const EXACT_INT8: Readonly<Record<string, string>> = { 'session.x64quantprecision': '1' };

/**
 * The session config that makes int8 results exact on this CPU: none with VNNI (its u8s8 kernels
 * add into int32 without saturating, bit-identical to the u8u8 path, which costs MobileNetV2 2.2x
 * there), EXACT_INT8 otherwise, and when the CPU cannot be told (no /proc/cpuinfo).
 */
export function int8SessionConfig(cpuinfo: string | null): Readonly<Record<string, string>> {
  const flags = cpuinfo?.split('\n').find((line) => line.startsWith('flags'));
  return flags && /\b(avx512_vnni|avx_vnni)\b/.test(flags) ? {} : EXACT_INT8;
}

function readCpuinfo(): string | null {
  try {
    return fs.readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return null;
  }
}

/** int8SessionConfig for the CPU this process runs on */
export const INT8_CONFIG = int8SessionConfig(readCpuinfo());

export interface SessionOptions {
  /** intra-op threads; 0 lets onnxruntime choose (one per physical core) */
  threads: number;
  /** one dummy batch run at load so the first real request does not pay for lazy kernel setup */
  warmup: (inputNames: readonly string[]) => Record<string, TensorFeed>;
  /** intermediate float32 tensors to expose as outputs (e.g. a feature map before pooling) */
  extraOutputs?: readonly string[];
  /** onnxruntime session config entries ("session.x64quantprecision": "1", …) */
  config?: Readonly<Record<string, string>>;
  /** 'disabled' runs the graph as written (reference models whose float ops must not be fused) */
  graphOptimization?: 'all' | 'disabled';
}

export interface SharedSession {
  readonly modelPath: string;
  readonly inputNames: readonly string[];
  run(feeds: Record<string, TensorFeed>, output: string): Promise<FloatOutput>;
  /** several outputs of one forward pass */
  runOutputs(
    feeds: Record<string, TensorFeed>,
    outputs: readonly string[],
  ): Promise<Record<string, FloatOutput>>;
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
  const key = [
    path.resolve(modelPath),
    options.threads,
    (options.extraOutputs ?? []).join(','),
    JSON.stringify(options.config ?? {}),
    options.graphOptimization ?? 'all',
  ].join('|');
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
      return (await runSession(session, feeds, [output], modelPath))[output]!;
    },
    runOutputs: async (feeds, outputs) => {
      if (released) throw appError('MODEL_CLOSED', { model: path.basename(modelPath) });
      return runSession(session, feeds, outputs, modelPath);
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

/** Session config entries as onnxruntime-node's `extra` takes them: "a.b" → { a: { b } }. */
function extraOptions(config: Readonly<Record<string, string>>): Record<string, Record<string, string>> {
  const extra: Record<string, Record<string, string>> = {};
  for (const [key, value] of Object.entries(config)) {
    const dot = key.indexOf('.');
    const group = key.slice(0, dot);
    (extra[group] ??= {})[key.slice(dot + 1)] = value;
  }
  return extra;
}

function startWorker(modelPath: string, options: SessionOptions): WorkerSession {
  // Extra outputs need a patched copy of the model; otherwise onnxruntime reads (and maps) the file.
  const modelBytes = options.extraOutputs?.length
    ? withGraphOutputs(fs.readFileSync(modelPath), options.extraOutputs)
    : undefined;
  const worker = new Worker(workerUrl, {
    workerData: {
      modelPath,
      modelBytes,
      sessionOptions: {
        graphOptimizationLevel: options.graphOptimization ?? 'all',
        executionMode: 'sequential',
        // errors only: onnxruntime's warnings (unused initializers, etc.) are noise on a user's terminal
        logSeverityLevel: 3,
        ...(options.threads > 0 ? { intraOpNumThreads: options.threads } : {}),
        ...(options.config ? { extra: extraOptions(options.config) } : {}),
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
  outputs: readonly string[],
  modelPath: string,
): Promise<Record<string, FloatOutput>> {
  const missing = outputs.find((o) => !session.outputNames.includes(o));
  if (missing !== undefined) {
    throw appError('MODEL_OUTPUT_MISMATCH', {
      details: `${modelPath} has no output "${missing}" (it has ${session.outputNames.join(', ')}).`,
    });
  }
  // Fetching only the wanted outputs lets onnxruntime skip branches like mobilenet's 1000-class head.
  const reply = await session.call({ type: 'run', feeds, fetches: outputs });
  const result: Record<string, FloatOutput> = {};
  for (const output of outputs) {
    const tensor = reply.outputs?.[output];
    if (!tensor || tensor.type !== 'float32') {
      throw appError('MODEL_OUTPUT_MISMATCH', { details: `${modelPath} output "${output}" is not float32.` });
    }
    result[output] = { data: tensor.data, dims: tensor.dims };
  }
  return result;
}
