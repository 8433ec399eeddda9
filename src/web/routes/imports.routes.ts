import fs from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppConfig } from '../../config/config.schema.ts';
import { appError, isAppError, type AppError } from '../../errors/app-error.ts';
import type { ImportJob } from '../../import/import-job.repository.ts';
import type { ImportJobService } from '../../import/import-job.service.ts';
import { detectFormat } from '../../import/import.table.ts';
import { readMultipartForm, type FileRule } from '../multipart.form.ts';
import { actorOf, allow } from '../../auth/auth.plugin.ts';
import { local } from '../views/admin.parts.ts';
import { ERRORS_SHOWN, importJobPage, importsPage, mappingPage } from '../views/imports.view.ts';
import { pageContext } from './catalog.routes.ts';

const idParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }).strict();

const ZIP_SIGNATURES = [Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from([0x50, 0x4b, 0x05, 0x06])];

export function jobJson(job: ImportJob) {
  return {
    id: job.id,
    status: job.status,
    file_name: job.fileName,
    images_name: job.imagesName,
    supplier: job.supplier,
    sheet: job.sheet,
    total_rows: job.totalRows,
    processed_rows: job.processedRows,
    imported: job.imported,
    updated: job.updated,
    failed: job.failed,
    stray_images: job.strayImages,
    cell_images: job.cellImages,
    error: job.errorEn,
    created_by: job.createdBy,
    created_at: job.createdAt,
    finished_at: job.finishedAt,
  };
}

/**
 * «Импорт»: upload a supplier file (and a ZIP of its photos), match its columns when the header
 * does not name them, and follow the job to its summary; every step calls the import job service.
 */
export function registerImportRoutes(
  app: FastifyInstance,
  deps: { imports: ImportJobService; config: AppConfig },
): void {
  const { imports, config } = deps;
  const limits = { fileBytes: config.importMaxBytes, zipBytes: config.importZipMaxBytes };

  const findJob = async (params: unknown): Promise<ImportJob> => {
    const parsed = idParams.safeParse(params);
    const job = parsed.success ? await imports.get(parsed.data.id) : null;
    if (!job) throw appError('IMPORT_NOT_FOUND');
    return job;
  };

  const html = (reply: FastifyReply, status: number, body: string) =>
    reply.status(status).type('text/html; charset=utf-8').send(body);

  /** Reads the upload form into a fresh folder and starts the job; the folder goes if anything fails. */
  async function startFromForm(request: FastifyRequest) {
    const dir = await imports.incomingDir();
    try {
      const rules: Record<string, FileRule> = {
        file: {
          maxBytes: config.importMaxBytes,
          maxCount: 1,
          to: { dir },
          check: (head, name) => void detectFormat(head, name),
        },
        images: {
          maxBytes: config.importZipMaxBytes,
          maxCount: 1,
          to: { dir },
          check: (head) => {
            if (!ZIP_SIGNATURES.some((s) => head.subarray(0, 4).equals(s))) {
              throw appError('ZIP_INVALID', { reason: 'not a ZIP file' });
            }
          },
        },
      };
      const form = await readMultipartForm(request, rules);
      const file = form.files.file?.[0];
      if (!file?.path) throw appError('IMPORT_EMPTY');
      const images = form.files.images?.[0];
      const job = await imports.start(
        {
          table: { path: file.path, name: file.name || 'file' },
          images: images?.path ? { path: images.path, name: images.name || 'images.zip' } : undefined,
        },
        {
          supplier: form.fields.supplier?.slice(0, 200),
          sheet: form.fields.sheet?.slice(0, 100),
          reviewMapping: form.fields.review === '1',
        },
        actorOf(request),
      );
      return { job, form };
    } catch (error) {
      await fs.rm(dir, { recursive: true, force: true }).catch(() => {});
      throw error;
    }
  }

  app.get('/imports', allow('editor'), async (request, reply) => {
    const [jobs, suppliers] = await Promise.all([imports.list(30), imports.suppliers()]);
    return html(reply, 200, importsPage(pageContext(request), { jobs, suppliers, limits }));
  });

  app.post('/imports', allow('editor'), async (request, reply) => {
    const ctx = pageContext(request);
    try {
      const { job } = await startFromForm(request);
      const next = job.status === 'mapping' ? `/imports/${job.id}/mapping` : `/imports/${job.id}`;
      return reply.redirect(local(ctx, next), 303);
    } catch (error) {
      const known = userError(error);
      const [jobs, suppliers] = await Promise.all([imports.list(30), imports.suppliers()]);
      return html(
        reply,
        known.status,
        importsPage(ctx, { jobs, suppliers, limits, error: known.in(ctx.lang) }),
      );
    }
  });

  app.get('/imports/:id', allow('editor'), async (request, reply) => {
    const job = await findJob(request.params);
    const errors = job.failed ? (await imports.errors(job.id)).slice(0, ERRORS_SHOWN) : [];
    return html(reply, 200, importJobPage(pageContext(request), { job, errors }));
  });

  app.get('/imports/:id/mapping', allow('editor'), async (request, reply) => {
    const job = await findJob(request.params);
    if (job.status !== 'mapping')
      return reply.redirect(local(pageContext(request), `/imports/${job.id}`), 303);
    const proposal = await imports.mappingProposal(job.id);
    return html(reply, 200, mappingPage(pageContext(request), proposal));
  });

  app.post('/imports/:id/mapping', allow('editor'), async (request, reply) => {
    const ctx = pageContext(request);
    const job = await findJob(request.params);
    const form = await readMultipartForm(request);
    try {
      await imports.setMapping(job.id, form.fields, actorOf(request));
      return reply.redirect(local(ctx, `/imports/${job.id}`), 303);
    } catch (error) {
      const known = userError(error);
      if (known.code === 'IMPORT_NOT_WAITING') return reply.redirect(local(ctx, `/imports/${job.id}`), 303);
      const proposal = await imports.mappingProposal(job.id);
      const chosen = Object.fromEntries(Object.entries(form.fields).filter(([, v]) => v));
      return html(
        reply,
        known.status,
        mappingPage(ctx, { ...proposal, mapping: chosen, error: known.in(ctx.lang) }),
      );
    }
  });

  app.post('/imports/:id/sheet', allow('editor'), async (request, reply) => {
    const ctx = pageContext(request);
    const job = await findJob(request.params);
    const form = await readMultipartForm(request);
    try {
      await imports.chooseSheet(job.id, form.fields.sheet ?? '');
      return reply.redirect(local(ctx, `/imports/${job.id}/mapping`), 303);
    } catch (error) {
      const known = userError(error);
      if (known.code === 'IMPORT_NOT_WAITING') return reply.redirect(local(ctx, `/imports/${job.id}`), 303);
      const proposal = await imports.mappingProposal(job.id);
      return html(reply, known.status, mappingPage(ctx, { ...proposal, error: known.in(ctx.lang) }));
    }
  });

  app.post('/imports/:id/cancel', allow('editor'), async (request, reply) => {
    const job = await findJob(request.params);
    await imports.cancel(job.id, actorOf(request));
    return reply.redirect(local(pageContext(request), `/imports/${job.id}`), 303);
  });

  app.get('/imports/:id/errors.csv', allow('editor'), async (request, reply) => {
    const ctx = pageContext(request);
    const job = await findJob(request.params);
    const csv = await imports.errorsCsv(job.id, ctx.lang);
    const name = `import-${job.id}-errors.csv`;
    return reply
      .header('content-disposition', `attachment; filename="${name}"`)
      .type('text/csv; charset=utf-8')
      .send(csv);
  });

  // For scripts (an API token) and the progress script: the same service, JSON replies.
  app.get('/api/imports/:id', allow('editor'), async (request) => jobJson(await findJob(request.params)));

  app.get('/api/imports/:id/errors', allow('editor'), async (request) => {
    const job = await findJob(request.params);
    const errors = await imports.errors(job.id);
    return { errors: errors.map((e) => ({ line: e.line, sku: e.sku, code: e.code, reason: e.reasonEn })) };
  });

  app.post('/api/imports', allow('editor'), async (request, reply) => {
    const { job } = await startFromForm(request);
    return reply.status(202).send({ success: true, ...jobJson(job), url: `/imports/${job.id}` });
  });
}

/** A person's mistake keeps its words; anything else stays a server error (and is logged there). */
function userError(error: unknown): AppError {
  if (isAppError(error) && error.status < 500) return error;
  throw error;
}
