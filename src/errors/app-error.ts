import type { Lang } from '../i18n/i18n.lang.ts';
import { ERRORS, type ErrorCode, type ErrorParams } from './error.catalog.ts';

export type { ErrorCode } from './error.catalog.ts';
export type { Lang } from '../i18n/i18n.lang.ts';

/**
 * Errors users can cause or fix. The code is stable (API clients match on it), the status maps it
 * to HTTP, and the params let each language word the message its own way (error.catalog.ts).
 * `message` is the English text: logs, the CLI and the JSON `error` field for programs.
 */
export class AppError extends Error {
  readonly status: number;

  private constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, unknown>,
    /** what the error is about, e.g. "image photos/1.jpg" for one row of an import */
    readonly subject: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(AppError.text(code, params, subject, 'en'), options);
    this.name = 'AppError';
    this.status = ERRORS[code].status;
  }

  /** The one way errors are made: through their code in the catalogue. */
  static of<C extends ErrorCode>(code: C, ...[params, options]: ArgsOf<C>): AppError {
    return new AppError(code, (params ?? {}) as Record<string, unknown>, undefined, options);
  }

  /** The same error, about something named (kept in every language's message). */
  about(subject: string): AppError {
    return new AppError(this.code, this.params, this.subject ? `${subject}: ${this.subject}` : subject, {
      cause: this.cause,
    });
  }

  /** The message in a person's language. */
  in(lang: Lang): string {
    return AppError.text(this.code, this.params, this.subject, lang);
  }

  private static text(
    code: ErrorCode,
    params: Record<string, unknown>,
    subject: string | undefined,
    lang: Lang,
  ): string {
    const words = (ERRORS[code][lang] as (p: Record<string, unknown>) => string)(params);
    return subject ? `${subject}: ${words}` : words;
  }
}

type ArgsOf<C extends ErrorCode> =
  Record<never, never> extends ErrorParams<C>
    ? [params?: ErrorParams<C>, options?: { cause?: unknown }]
    : [params: ErrorParams<C>, options?: { cause?: unknown }];

/** `appError('NO_MATCH')`, `appError('URL_TOO_LARGE', { url, maxBytes })`: status and words come from the catalogue. */
export const appError = AppError.of;

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
