import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appError, isAppError, type AppError } from '../errors/app-error.ts';
import { pickLang } from '../i18n/i18n.lang.ts';
import { translator } from '../i18n/i18n.translate.ts';
import { errorPage } from './views/error.view.ts';

const isApi = (request: FastifyRequest) => request.url.startsWith('/api/');

const MAX_FILES = 8;

// Fastify's own errors caused by the client, mapped to our stable codes.
function fromFastifyError(error: FastifyError, limits: { uploadMaxBytes: number }): AppError | null {
  switch (error.code) {
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return appError('FILE_TOO_LARGE', { maxBytes: limits.uploadMaxBytes });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return appError('MULTIPART_EXPECTED');
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return appError('TOO_MANY_PARTS', { maxFiles: MAX_FILES });
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return appError('BAD_REQUEST', { details: error.message });
  }
  return null;
}

/** The one place errors become replies: typed errors keep their words, anything else is hidden. */
export function installErrorHandling(app: FastifyInstance, limits: { uploadMaxBytes: number }): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = isAppError(error) ? error : fromFastifyError(error, limits);
    if (!known) request.log.error({ err: error }, 'unhandled error');
    // the reply says only "not answering"; the operator's log says what the driver saw
    else if (known.code === 'STORE_UNAVAILABLE') request.log.warn({ err: known.cause }, known.message);
    return sendError(request, reply, known ?? appError('INTERNAL'));
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      request,
      reply,
      appError('ROUTE_NOT_FOUND', { method: request.method, path: request.url.split('?')[0] ?? '/' }),
    ),
  );
}

/**
 * JSON for /api routes: `error` in English for programs, `message` in the request's language for
 * people; an HTML page in the page's language elsewhere.
 */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError) {
  const lang = pickLang(
    (request.query as Record<string, unknown> | undefined)?.lang,
    request.headers['accept-language'],
  );
  if (isApi(request)) {
    return reply
      .status(error.status)
      .send({ success: false, code: error.code, error: error.message, message: error.in(lang) });
  }
  const p = request.principal;
  const account = p?.kind === 'user' ? { email: p.user.email, role: p.user.role } : null;
  return reply
    .status(error.status)
    .type('text/html; charset=utf-8')
    .send(
      errorPage(
        { lang, t: translator(lang), url: request.url, account },
        error.status,
        error.code,
        error.in(lang),
      ),
    );
}
