import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { looksLikeImage } from '../images/images.probe.ts';
import { appError, isAppError } from '../errors/app-error.ts';

export const MAX_FILES = 8;
/** room for part headers and boundaries on top of the files themselves */
const FORM_OVERHEAD = 64 * 1024;
/** enough bytes to tell JPEG, PNG, GIF and WEBP apart by their signatures */
const SNIFF_BYTES = 12;

const fieldsSchema = z
  .object({
    threshold: z.coerce.number().min(-1).max(1).optional(),
    url: z.string().trim().min(1).max(2048).optional(),
    /** when nothing is similar, keep the closest few («может быть, вы искали») instead of a 404 */
    closest: z
      .enum(['0', '1', 'true', 'false'])
      .transform((v) => v === '1' || v === 'true')
      .optional(),
  })
  .strict();

export interface SearchForm {
  images: Buffer[];
  threshold?: number | undefined;
  url?: string | undefined;
  closest?: boolean | undefined;
}

/**
 * Reads a photo-search form without ever holding more than it may keep: a body declared larger
 * than the limit is refused before a byte is read; each file's type is judged from its first
 * bytes and a non-image is refused before the rest arrives; all files together stay within
 * maxBytes. What a refused upload still sends is dropped (see discardRest).
 */
export async function readSearchForm(
  request: FastifyRequest,
  limits: { maxBytes: number },
): Promise<SearchForm> {
  if (!request.isMultipart()) throw appError('MULTIPART_EXPECTED');
  try {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > limits.maxBytes + FORM_OVERHEAD)
      throw appError('FILE_TOO_LARGE', { maxBytes: limits.maxBytes });
    const images: Buffer[] = [];
    const fields: Record<string, string> = {};
    let total = 0;
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'image') throw appError('UNKNOWN_FIELD', { field: part.fieldname });
        if (images.length >= MAX_FILES) throw appError('TOO_MANY_PARTS', { maxFiles: MAX_FILES });
        const bytes = await readImagePart(part, limits.maxBytes - total, limits.maxBytes);
        total += bytes.length;
        images.push(bytes);
      } else {
        fields[part.fieldname] = fieldValue(part);
      }
    }
    return { images, ...parseFields(fields) };
  } catch (error) {
    discardRest(request);
    // Our refusals, and the multipart plugin's limits (FST_FILES_LIMIT …, mapped by the error handler)
    if (isAppError(error) || String((error as { code?: unknown }).code).startsWith('FST_')) throw error;
    // busboy's own complaints (no boundary, cut-off body, bad part headers) and a dropped upload
    throw appError('MULTIPART_MALFORMED', undefined, { cause: error });
  }
}

async function readImagePart(part: MultipartFile, room: number, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  let sniffed = false;
  for await (const chunk of part.file as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > room) throw appError('FILE_TOO_LARGE', { maxBytes });
    chunks.push(chunk);
    if (!sniffed && size >= SNIFF_BYTES) {
      sniffed = true;
      if (!looksLikeImage(Buffer.concat(chunks))) throw appError('IMAGE_NOT_AN_IMAGE');
    }
  }
  if (part.file.truncated) throw appError('FILE_TOO_LARGE', { maxBytes });
  const bytes = Buffer.concat(chunks);
  if (bytes.length === 0) throw appError('EMPTY_FILE');
  if (!sniffed && !looksLikeImage(bytes)) throw appError('IMAGE_NOT_AN_IMAGE');
  return bytes;
}

function fieldValue(part: MultipartValue): string {
  if (part.valueTruncated) {
    throw appError('INVALID_PARAMETERS', { details: `${part.fieldname}: too long`, fields: part.fieldname });
  }
  return String(part.value);
}

function parseFields(fields: Record<string, string>) {
  const parsed = fieldsSchema.safeParse(fields);
  if (parsed.success) return parsed.data;
  throw appError('INVALID_PARAMETERS', {
    details: parsed.error.issues
      .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
      .join('; '),
    fields: parsed.error.issues.map((i) => i.path.join('.') || '?').join(', '),
  });
}

/** How long a refused upload may go on sending (discarded) while its client reads the reply. */
const LINGER_MS = 2_000;

/**
 * After an early refusal: the rest of the body is read and thrown away, never held, and the
 * connection is closed after LINGER_MS if the client keeps sending. Closing at once would reset
 * the connection while the client is still writing, and the client would lose the reply.
 */
export function discardRest(request: FastifyRequest): void {
  const raw = request.raw;
  if (raw.complete) return;
  raw.unpipe();
  raw.resume();
  const timer = setTimeout(() => raw.destroy(), LINGER_MS);
  timer.unref();
  raw.once('end', () => clearTimeout(timer));
  raw.socket?.once('close', () => clearTimeout(timer));
}
