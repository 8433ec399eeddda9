import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { appError, isAppError } from '../errors/app-error.ts';
import type { ModelFile } from './model.registry.ts';

export interface DownloadProgress {
  type: 'start' | 'progress' | 'done';
  /** the registry path, e.g. onnx/vision_model_quantized.onnx */
  file: string;
  bytes: number;
  /** undefined when neither the registry nor the server states a size */
  total: number | undefined;
  bytesPerSecond: number;
  etaSeconds: number | undefined;
}

export type ProgressListener = (event: DownloadProgress) => void;

export interface DownloadRequest {
  url: string;
  file: ModelFile;
  /** final location; the temp file is created beside it so the rename is atomic */
  destination: string;
  /** abort when no byte arrives for this long; a total timeout would kill slow but healthy downloads */
  idleTimeoutMs: number;
  onProgress?: ProgressListener;
}

/** Progress events at most this often: enough for a smooth bar, few enough not to flood a log. */
const PROGRESS_INTERVAL_MS = 100;

const WAY_OUT =
  'Check your network and HF_ENDPOINT, or download the files yourself and set MODEL_DIR to their folder; ' +
  '`vitrina model pull` fetches them ahead of time.';

interface InFlight {
  promise: Promise<string>;
  listeners: Set<ProgressListener>;
}

/** Keyed by destination: concurrent callers asking for one file share one transfer and all see its progress. */
const inFlight = new Map<string, InFlight>();

export function downloadModelFile(request: DownloadRequest): Promise<string> {
  const running = inFlight.get(request.destination);
  if (running) {
    if (request.onProgress) running.listeners.add(request.onProgress);
    return running.promise;
  }
  const listeners = new Set<ProgressListener>(request.onProgress ? [request.onProgress] : []);
  const emit = (event: DownloadProgress) => {
    for (const listener of listeners) listener(event);
  };
  const promise = transfer(request, emit).finally(() => inFlight.delete(request.destination));
  inFlight.set(request.destination, { promise, listeners });
  return promise;
}

async function transfer(request: DownloadRequest, emit: ProgressListener): Promise<string> {
  const { url, file, destination } = request;
  const temp = `${destination}.${process.pid}-${randomUUID().slice(0, 8)}.part`;
  try {
    await fs.mkdir(path.dirname(destination), { recursive: true });
  } catch (error) {
    throw appError(
      'MODEL_CACHE_UNWRITABLE',
      {
        details:
          `Cannot create ${path.dirname(destination)} to store ${file.path}: ${(error as Error).message}. ` +
          'Point VITRINA_CACHE at a writable folder, or set MODEL_DIR to a folder that already holds the files.',
      },
      { cause: error },
    );
  }
  try {
    const sha256 = await streamToFile(request, temp, emit);
    if (file.sha256 && sha256 !== file.sha256) {
      throw appError('MODEL_FILE_INVALID', {
        details:
          `Downloaded ${file.path} from ${url} but its sha256 is ${sha256}, expected ${file.sha256}. ` +
          `The server did not serve the pinned file; nothing was kept. ${WAY_OUT}`,
      });
    }
    await fs.rename(temp, destination);
    return destination;
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

/** Streams the body to `temp`, hashing on the way so the file is read once. Returns the sha256. */
async function streamToFile(request: DownloadRequest, temp: string, emit: ProgressListener): Promise<string> {
  const { url, file } = request;
  const failed = (reason: string, cause?: unknown) =>
    appError(
      'MODEL_DOWNLOAD_FAILED',
      { details: `Could not download ${file.path} from ${url}: ${reason}. ${WAY_OUT}` },
      {
        cause,
      },
    );

  const abort = new AbortController();
  let idleTimer: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => abort.abort(new Error('stalled')), request.idleTimeoutMs);
  };

  const handle = await fs.open(temp, 'wx');
  try {
    touch();
    let response: Response;
    try {
      response = await fetch(url, { signal: abort.signal, redirect: 'follow' });
    } catch (error) {
      throw failed(describeFetchError(error, abort.signal, request.idleTimeoutMs), error);
    }
    if (!response.ok || !response.body) {
      throw failed(`HTTP ${response.status} ${response.statusText}`.trim());
    }
    const announced = Number(response.headers.get('content-length') ?? NaN);
    const total = file.size ?? (Number.isFinite(announced) ? announced : undefined);

    const hash = createHash('sha256');
    const started = performance.now();
    let bytes = 0;
    // first progress event only after an interval, so the rate is not computed over a single buffered chunk
    let lastEmit = performance.now();
    const event = (type: DownloadProgress['type']): DownloadProgress => {
      const seconds = (performance.now() - started) / 1000;
      const bytesPerSecond = seconds > 0 ? bytes / seconds : 0;
      const etaSeconds =
        total !== undefined && bytesPerSecond > 0 ? Math.max(0, (total - bytes) / bytesPerSecond) : undefined;
      return { type, file: file.path, bytes, total, bytesPerSecond, etaSeconds };
    };

    emit(event('start'));
    try {
      for await (const chunk of response.body) {
        touch();
        bytes += chunk.byteLength;
        if (total !== undefined && bytes > total)
          throw failed(`the server sent more than the expected ${total} bytes`);
        hash.update(chunk);
        await handle.write(chunk);
        const now = performance.now();
        if (now - lastEmit >= PROGRESS_INTERVAL_MS) {
          lastEmit = now;
          emit(event('progress'));
        }
      }
    } catch (error) {
      if (isAppError(error)) throw error;
      throw failed(
        `${describeFetchError(error, abort.signal, request.idleTimeoutMs)} after ${bytes} of ${total ?? '?'} bytes`,
        error,
      );
    }
    if (total !== undefined && bytes !== total) {
      throw failed(`the connection ended after ${bytes} of ${total} bytes`);
    }
    // Flushed before the rename so a crash cannot leave a complete-looking but empty file.
    await handle.sync();
    emit(event('done'));
    return hash.digest('hex');
  } finally {
    clearTimeout(idleTimer);
    await handle.close();
  }
}

function describeFetchError(error: unknown, signal: AbortSignal, idleTimeoutMs: number): string {
  if (signal.aborted) return `no data for ${Math.round(idleTimeoutMs / 1000)} s`;
  if (!(error instanceof Error)) return String(error);
  // undici hides the useful part (ECONNREFUSED, ENOTFOUND, "other side closed") in `cause`.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
