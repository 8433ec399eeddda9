import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ModelFile } from './model.registry.ts';

/*
 * Hash stamps. Hashing the CLIP towers (150 MB) costs ~0.2 s of CPU here and seconds on a small ARM
 * board, at every start, for files that do not change. After one successful hash we write a stamp
 * holding the file's size, mtime and hash; later starts trust the file while those still match (any
 * rewrite changes the mtime, so a stamp cannot vouch for new bytes). Stamps live in the cache, never
 * beside the file, so a user's MODEL_DIR is only ever read. Best effort: an unwritable cache just
 * means hashing again next time.
 */
interface FileStat {
  size: number;
  mtimeMs: number;
}

/** undefined when the file is the one the registry describes, else what is wrong with it. */
export async function verifyLocalFile(
  filePath: string,
  file: ModelFile,
  cacheDir: string,
): Promise<string | undefined> {
  const stat = await fs.stat(filePath);
  if (!stat.isFile()) return 'it is not a regular file';
  if (file.size !== undefined && stat.size !== file.size) {
    return `it has ${stat.size} bytes instead of ${file.size} (a partial or different file)`;
  }
  if (!file.sha256) return undefined;
  const stampFile = stampPath(cacheDir, filePath);
  if (await stampMatches(stampFile, filePath, file.sha256, stat)) return undefined;
  const actual = await sha256OfFile(filePath);
  if (actual !== file.sha256) return `its sha256 is ${actual}, expected ${file.sha256}`;
  await writeStamp(stampFile, filePath, file.sha256, stat);
  return undefined;
}

export async function sha256OfFile(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

interface Stamp {
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string;
}

export function stampPath(cacheDir: string, filePath: string): string {
  const key = createHash('sha256').update(path.resolve(filePath)).digest('hex').slice(0, 32);
  return path.join(cacheDir, 'models', '.verified', `${key}.sha256-ok`);
}

async function stampMatches(stampFile: string, filePath: string, sha256: string, stat: FileStat) {
  try {
    const stamp = JSON.parse(await fs.readFile(stampFile, 'utf8')) as Partial<Stamp>;
    return (
      stamp.path === path.resolve(filePath) &&
      stamp.sha256 === sha256 &&
      stamp.size === stat.size &&
      stamp.mtimeMs === stat.mtimeMs
    );
  } catch {
    return false;
  }
}

async function writeStamp(stampFile: string, filePath: string, sha256: string, stat: FileStat) {
  const stamp: Stamp = { path: path.resolve(filePath), size: stat.size, mtimeMs: stat.mtimeMs, sha256 };
  try {
    await fs.mkdir(path.dirname(stampFile), { recursive: true });
    await fs.writeFile(stampFile, JSON.stringify(stamp));
  } catch {
    // verification still happened; it just will not be remembered
  }
}

/** After a download, which hashed every byte as it arrived: spares the next start a second hash. */
export async function rememberVerified(cacheDir: string, filePath: string, file: ModelFile): Promise<void> {
  if (!file.sha256) return;
  await writeStamp(stampPath(cacheDir, filePath), filePath, file.sha256, await fs.stat(filePath));
}
