import yauzl from 'yauzl';
import { appError, isAppError, type AppError } from '../errors/app-error.ts';

export interface ZipLimits {
  /** files in the archive (directories not counted) */
  maxEntries: number;
  /** sum of the declared unpacked sizes */
  maxUnpackedBytes: number;
  /** one file, unpacked */
  maxEntryBytes: number;
  /** unpacked / packed of one file above 1 MB; images barely compress, bombs compress thousands of times */
  maxRatio: number;
}

export interface ZipEntryInfo {
  name: string;
  size: number;
}

export interface ZipArchive {
  readonly entries: readonly ZipEntryInfo[];
  /** the entry a row's reference names: its path, else its file name when that is unique */
  find(ref: string): ZipEntryInfo | null;
  read(entry: ZipEntryInfo): Promise<Buffer>;
  close(): void;
}

const RATIO_FLOOR = 1024 * 1024;

/**
 * A ZIP read through yauzl, never extracted to disk: names are only lookup keys, and yauzl refuses
 * absolute paths and ".." segments outright. The central directory is checked against the limits
 * before anything is unpacked; each file is unpacked on demand, and yauzl checks that its bytes
 * match the declared size, so a lying directory cannot smuggle a bigger file past the limits.
 */
export async function openZip(source: string | Buffer, limits: ZipLimits): Promise<ZipArchive> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    const options = { lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: true };
    const done = (error: Error | null, zipfile?: yauzl.ZipFile) =>
      error || !zipfile ? reject(zipError(error)) : resolve(zipfile);
    if (typeof source === 'string') yauzl.open(source, options, done);
    else yauzl.fromBuffer(source, options, done);
  });
  try {
    if (zip.entryCount > limits.maxEntries * 2)
      throw appError('ZIP_TOO_MANY_ENTRIES', { max: limits.maxEntries });
    const raw = await readDirectory(zip);
    const files = raw.filter((e) => !e.fileName.endsWith('/'));
    if (files.length > limits.maxEntries) throw appError('ZIP_TOO_MANY_ENTRIES', { max: limits.maxEntries });
    const unpacked = files.reduce((sum, e) => sum + e.uncompressedSize, 0);
    if (unpacked > limits.maxUnpackedBytes) {
      throw appError('ZIP_TOO_LARGE_UNPACKED', { maxBytes: limits.maxUnpackedBytes });
    }
    const byEntry = new Map<ZipEntryInfo, yauzl.Entry>();
    const byPath = new Map<string, ZipEntryInfo>();
    const byBase = new Map<string, ZipEntryInfo | null>();
    const entries = files
      // macOS archivers add resource forks beside every file: never what a row means
      .filter((e) => !/(^|\/)__MACOSX\//.test(e.fileName) && !/(^|\/)\._/.test(e.fileName))
      .map((e) => {
        const info: ZipEntryInfo = { name: e.fileName, size: e.uncompressedSize };
        byEntry.set(info, e);
        byPath.set(normalize(e.fileName), info);
        const base = normalize(e.fileName.split('/').pop()!);
        byBase.set(base, byBase.has(base) ? null : info); // null: ambiguous
        return info;
      });
    return {
      entries,
      find(ref) {
        const key = normalize(ref);
        return byPath.get(key) ?? byBase.get(key.split('/').pop()!) ?? null;
      },
      async read(info) {
        const entry = byEntry.get(info);
        if (!entry) throw appError('IMAGE_NOT_IN_ZIP', { file: info.name });
        if (entry.isEncrypted()) throw appError('ZIP_ENTRY_ENCRYPTED', { name: info.name });
        if (entry.uncompressedSize > limits.maxEntryBytes) {
          throw appError('ZIP_ENTRY_TOO_LARGE', { name: info.name, maxBytes: limits.maxEntryBytes });
        }
        const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
        if (entry.uncompressedSize > RATIO_FLOOR && ratio > limits.maxRatio) {
          throw appError('ZIP_ENTRY_RATIO', { name: info.name, ratio: Math.round(ratio) });
        }
        return readEntry(zip, entry, limits.maxEntryBytes);
      },
      close: () => zip.close(),
    };
  } catch (error) {
    zip.close();
    throw error;
  }
}

function readDirectory(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', (error: Error) => reject(zipError(error)));
    zip.readEntry();
  });
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) return reject(zipError(error));
      const chunks: Buffer[] = [];
      let total = 0;
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > maxBytes) {
          stream.destroy();
          reject(appError('ZIP_ENTRY_TOO_LARGE', { name: entry.fileName, maxBytes }));
          return;
        }
        chunks.push(chunk);
      });
      stream.once('error', (e: Error) => reject(zipError(e)));
      stream.once('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}

/** yauzl's messages name what is wrong; an unsafe name gets its own code. */
function zipError(error: Error | null | undefined): AppError {
  if (isAppError(error)) return error;
  const message = error?.message ?? 'unknown error';
  const unsafe = /^(invalid relative path|absolute path|invalid characters in fileName): (.*)$/.exec(message);
  if (unsafe) return appError('ZIP_UNSAFE_NAME', { name: unsafe[2]!.slice(0, 200) });
  return appError('ZIP_INVALID', { reason: message });
}

/** References in a row are written by hand: "Photos\\A1.JPG" means "photos/a1.jpg". */
function normalize(name: string): string {
  return name
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/^\/+/, '')
    .normalize('NFC')
    .toLowerCase();
}
