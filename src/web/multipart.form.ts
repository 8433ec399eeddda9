import fs from 'node:fs/promises';
import path from 'node:path';
import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { appError, isAppError } from '../errors/app-error.ts';
import { discardRest } from './search.form.ts';

export interface FileRule {
  maxBytes: number;
  maxCount: number;
  /** kept in memory (photos) or streamed into this folder (price lists, ZIPs) */
  to: 'memory' | { dir: string };
  /** refuses the upload by its first bytes, before the rest is read */
  check?: ((head: Buffer, name: string) => void) | undefined;
}

export interface UploadedFile {
  /** the name on the person's computer (never used as a path) */
  name: string;
  size: number;
  bytes?: Buffer;
  path?: string;
}

export interface MultipartForm {
  fields: Record<string, string>;
  files: Record<string, UploadedFile[]>;
}

const HEAD_BYTES = 4096;
/** room for part headers, boundaries and text fields on top of the files themselves */
const FORM_OVERHEAD = 256 * 1024;
const MAX_FIELDS = 40;

/**
 * A form posted as multipart/form-data, as the pages' forms are: text fields, and files checked
 * against their field's rule while they stream (size, count, first bytes), so a wrong or huge
 * file is refused without being stored. An empty file input (nothing chosen) is no file.
 */
export async function readMultipartForm(
  request: FastifyRequest,
  rules: Record<string, FileRule> = {},
): Promise<MultipartForm> {
  if (!request.isMultipart()) throw appError('MULTIPART_EXPECTED');
  // a body declared larger than every file allowed together is refused before a byte is read
  const allowed = Object.values(rules).reduce((n, r) => n + r.maxBytes * r.maxCount, 0) + FORM_OVERHEAD;
  if (Number(request.headers['content-length'] ?? 0) > allowed) {
    discardRest(request);
    throw appError('FILE_TOO_LARGE', {
      maxBytes: Math.max(0, ...Object.values(rules).map((r) => r.maxBytes)),
    });
  }
  const largest = Math.max(1, ...Object.values(rules).map((r) => r.maxBytes));
  const fileCount = Object.values(rules).reduce((n, r) => n + r.maxCount, 0);
  const form: MultipartForm = { fields: {}, files: {} };
  const parts = request.parts({
    limits: {
      fileSize: largest + 1,
      files: fileCount + 1,
      fields: MAX_FIELDS,
      parts: MAX_FIELDS + fileCount + 1,
      fieldSize: 64 * 1024,
    },
  });
  const written: string[] = [];
  try {
    for await (const part of parts) {
      if (part.type !== 'file') {
        form.fields[part.fieldname] = String(part.value);
        continue;
      }
      const rule = rules[part.fieldname];
      const name = path.basename(part.filename || '').slice(0, 200);
      if (!rule) {
        part.file.resume(); // not a file this form takes: read past it
        continue;
      }
      const list = (form.files[part.fieldname] ??= []);
      const file: UploadedFile = { name, size: 0 };
      let head: Buffer | null = Buffer.alloc(0);
      const chunks: Buffer[] = [];
      let handle: fs.FileHandle | null = null;
      try {
        for await (const chunk of part.file as AsyncIterable<Buffer>) {
          file.size += chunk.length;
          if (file.size > rule.maxBytes) throw appError('FILE_TOO_LARGE', { maxBytes: rule.maxBytes });
          if (head) {
            head = Buffer.concat([head, chunk]);
            if (head.length >= HEAD_BYTES) {
              rule.check?.(head, name);
              head = null;
            }
          }
          if (rule.to === 'memory') chunks.push(chunk);
          else {
            if (!handle) {
              if (list.length >= rule.maxCount) throw appError('TOO_MANY_FILES', { max: rule.maxCount });
              file.path = path.join(rule.to.dir, `${part.fieldname}-${list.length}`);
              written.push(file.path);
              handle = await fs.open(file.path, 'w');
            }
            await handle.write(chunk);
          }
        }
      } finally {
        await handle?.close();
      }
      if (file.size === 0 && !name) continue; // the input was left empty
      if (file.size === 0) throw appError('EMPTY_FILE');
      if (head) rule.check?.(head, name);
      if (list.length >= rule.maxCount) throw appError('TOO_MANY_FILES', { max: rule.maxCount });
      if (rule.to === 'memory') file.bytes = Buffer.concat(chunks);
      list.push(file);
    }
  } catch (error) {
    // what a refused upload still sends is read and dropped, never held (search.form.ts)
    discardRest(request);
    await Promise.all(written.map((f) => fs.rm(f, { force: true })));
    if (isAppError(error)) throw error;
    const code = String((error as { code?: unknown }).code);
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw appError('FILE_TOO_LARGE', { maxBytes: largest });
    if (code.startsWith('FST_')) throw error; // the plugin's limits, mapped by the error handler
    throw appError('MULTIPART_MALFORMED', undefined, { cause: error });
  }
  return form;
}
