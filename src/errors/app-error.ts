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
