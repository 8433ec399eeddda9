import fs from 'node:fs/promises';
import path from 'node:path';
import type { AppConfig } from '../config/config.schema.ts';
import { appError, type AppError } from '../errors/app-error.ts';
import { downloadModelFile, type ProgressListener } from './model.download.ts';
import type { ModelEntry, ModelFile, ModelFileRole } from './model.registry.ts';
import { rememberVerified, verifyLocalFile } from './model.verify.ts';

export type FileSource = 'MODEL_DIR' | 'cache' | 'hub';

export interface ResolvedFile {
  file: ModelFile;
  path: string;
  source: FileSource;
}

export type FileLocation =
  | { file: ModelFile; source: 'MODEL_DIR' | 'cache'; path: string }
  | { file: ModelFile; source: 'hub-needed'; url: string }
  | { file: ModelFile; source: 'unavailable' };

export interface ResolveOptions {
  onProgress?: ProgressListener;
}

type Paths = Pick<AppConfig, 'modelDir' | 'cacheDir' | 'hfEndpoint'>;

/**
 * Every file of the entry on local disk and verified, downloading what is missing. All or nothing:
 * callers load sessions only after this resolves, so a bad file never yields a half-loaded model.
 * Sequential on purpose: the bandwidth is shared anyway, and one bar at a time reads better.
 */
export async function resolveModelFiles(
  config: AppConfig,
  entry: ModelEntry,
  options: ResolveOptions = {},
): Promise<ResolvedFile[]> {
  const resolved: ResolvedFile[] = [];
  for (const file of entry.files) {
    resolved.push(await resolveModelFile(config, entry, file, options));
  }
  return resolved;
}

export function pathOfRole(files: readonly ResolvedFile[], role: ModelFileRole): string {
  const found = files.find((f) => f.file.role === role);
  if (!found)
    throw appError('MODEL_ENTRY_INVALID', { details: `No ${role} file among the resolved model files.` });
  return found.path;
}

async function resolveModelFile(
  config: AppConfig,
  entry: ModelEntry,
  file: ModelFile,
  options: ResolveOptions,
): Promise<ResolvedFile> {
  const inModelDir = await findInModelDir(config.modelDir, file);
  if (inModelDir) {
    // The user's own copy: report a bad one instead of silently going around it or deleting it.
    const problem = await verifyLocalFile(inModelDir, file, config.cacheDir);
    if (problem) {
      throw appError('MODEL_FILE_INVALID', {
        details:
          `MODEL_DIR file ${inModelDir} is not the ${entry.id} ${file.path} this version expects: ${problem}. ` +
          `Replace it${entry.hub ? ` with ${hubUrl(config, entry, file)}` : ''}, or unset MODEL_DIR` +
          `${entry.hub ? ' and run `vitrina model pull`' : ''}.`,
      });
    }
    return { file, path: inModelDir, source: 'MODEL_DIR' };
  }

  const cached = cachePath(config, entry, file);
  if (!cached || !entry.hub) throw missingWithoutHub(config, entry, file);

  if (await exists(cached)) {
    // Ours to manage: a damaged cache entry (disk full, killed copy) is replaced, not reported.
    if (!(await verifyLocalFile(cached, file, config.cacheDir)))
      return { file, path: cached, source: 'cache' };
    await fs.rm(cached, { force: true });
  }

  const destination = await downloadModelFile({
    url: hubUrl(config, entry, file),
    file,
    destination: cached,
    // FETCH_TIMEOUT_MS bounds silence, not the whole transfer (90 MB may take minutes); the floor
    // keeps a value tuned for small image fetches from aborting a slow but live hub.
    idleTimeoutMs: Math.max(config.fetchTimeoutMs, 1000),
    onProgress: options.onProgress,
  });
  await rememberVerified(config.cacheDir, destination, file);
  return { file, path: destination, source: 'hub' };
}

/** Where each file would come from, without hashing or downloading (for `vitrina model info`). */
export async function locateModelFiles(config: AppConfig, entry: ModelEntry): Promise<FileLocation[]> {
  return Promise.all(
    entry.files.map(async (file): Promise<FileLocation> => {
      const inModelDir = await findInModelDir(config.modelDir, file);
      if (inModelDir) return { file, source: 'MODEL_DIR', path: inModelDir };
      const cached = cachePath(config, entry, file);
      if (cached && (await exists(cached))) return { file, source: 'cache', path: cached };
      if (entry.hub) return { file, source: 'hub-needed', url: hubUrl(config, entry, file) };
      return { file, source: 'unavailable' };
    }),
  );
}

export function cachePath(
  config: Pick<Paths, 'cacheDir'>,
  entry: ModelEntry,
  file: ModelFile,
): string | undefined {
  if (!entry.hub) return undefined;
  return path.join(
    config.cacheDir,
    'models',
    ...entry.hub.repo.split('/'),
    entry.hub.revision,
    ...file.path.split('/'),
  );
}

export function hubUrl(config: Pick<Paths, 'hfEndpoint'>, entry: ModelEntry, file: ModelFile): string {
  if (!entry.hub) throw appError('MODEL_NO_HUB', { model: entry.id });
  const encode = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  const base = config.hfEndpoint.replace(/\/+$/, '');
  return `${base}/${encode(entry.hub.repo)}/resolve/${encodeURIComponent(entry.hub.revision)}/${encode(file.path)}`;
}

/** The registry path first (a copy of the hub layout), then the bare file name (a flat folder). */
async function findInModelDir(modelDir: string | undefined, file: ModelFile): Promise<string | undefined> {
  if (!modelDir) return undefined;
  const candidates = new Set([
    path.join(modelDir, ...file.path.split('/')),
    path.join(modelDir, path.basename(file.path)),
  ]);
  for (const candidate of candidates) {
    if (await exists(candidate)) return candidate;
  }
  return undefined;
}

function missingWithoutHub(config: AppConfig, entry: ModelEntry, file: ModelFile): AppError {
  const names = [...new Set([file.path, path.basename(file.path)])].join(' and ');
  const looked = config.modelDir
    ? `It is not in MODEL_DIR (${config.modelDir}, looked for ${names})`
    : 'MODEL_DIR is not set';
  return appError('MODEL_FILE_MISSING', {
    details:
      `Model ${entry.id} needs ${file.path}, which cannot be downloaded (the model has no hub source). ${looked}. ` +
      `Set MODEL_DIR to the folder that holds ${path.basename(file.path)}.`,
  });
}

async function exists(filePath: string): Promise<boolean> {
  try {
    await fs.access(filePath);
    return true;
  } catch {
    return false;
  }
}
