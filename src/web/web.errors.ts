import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../errors/app-error.ts';
import { pickLang } from '../i18n/i18n.lang.ts';
import { translator } from '../i18n/i18n.translate.ts';
import { errorPage } from './views/error.view.ts';

const isApi = (request: FastifyRequest) => request.url.startsWith('/api/');

// Fastify's own errors caused by the client, mapped to our stable codes.
function fromFastifyError(error: FastifyError): AppError | null {
  switch (error.code) {
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('FILE_TOO_LARGE', 'the upload is larger than the allowed size', 413);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'expected multipart/form-data', 415);
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new AppError('TOO_MANY_PARTS', 'too many files or fields in the form', 413);
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('BAD_REQUEST', error.message, error.statusCode);
  }
  return null;
}

/** The one place errors become replies: typed errors keep their message, anything else is hidden. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = isAppError(error) ? error : fromFastifyError(error);
    if (!known) request.log.error({ err: error }, 'unhandled error');
    const status = known?.status ?? 500;
    const code = known?.code ?? 'INTERNAL';
    const message = known?.message ?? 'Internal error; the details are in the server log.';
    return sendError(request, reply, status, code, message);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, 404, 'NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`),
  );
}

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
) {
  if (isApi(request)) return reply.status(status).send({ success: false, error: message, code });
  const lang = pickLang(
    (request.query as Record<string, unknown> | undefined)?.lang,
    request.headers['accept-language'],
  );
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .send(errorPage({ lang, t: translator(lang), url: request.url }, status, code, message));
}
