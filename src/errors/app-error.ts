/** Errors users can cause or fix. The code is stable (API clients match on it); the status maps it to HTTP. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

export const badRequest = (code: string, message: string) => new AppError(code, message, 400);
export const notFound = (code: string, message: string) => new AppError(code, message, 404);
export const unavailable = (code: string, message: string) => new AppError(code, message, 503);

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

// ── Bridge until the lead's error catalogue lands on main (then main's app-error.ts replaces this file).
import { ERRORS, type ErrorCode, type ErrorParams } from './error.catalog.ts';
export type { ErrorCode } from './error.catalog.ts';

type Bridged = AppError & { in(lang: 'ru' | 'en'): string };

export function appError<C extends ErrorCode>(
  code: C,
  params?: ErrorParams<C>,
  options?: { cause?: unknown },
): Bridged {
  const entry = ERRORS[code] as { status: number; en: (p: unknown) => string; ru: (p: unknown) => string };
  const p = params ?? {};
  const error = new AppError(code, entry.en(p), entry.status, options) as Bridged;
  error.in = (lang) => entry[lang](p);
  return error;
}
