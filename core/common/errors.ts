/** CoreErrorCode names the kinds of expected failure; each wire API maps them to its own status codes. */
export type CoreErrorCode =
  | 'INVALID'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAVAILABLE'
  | 'NOT_LEADER'
  | 'FORBIDDEN'
  | 'UNSUPPORTED'
  | 'INTERNAL';

/** CoreError carries a code so the edge (HTTP, IPC) can answer in the caller's format without guessing. */
export class CoreError extends Error {
  constructor(
    readonly code: CoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CoreError';
  }
}

/** invalid is shorthand for the most common failure: input that breaks a rule of the API. */
export function invalid(message: string): CoreError {
  return new CoreError('INVALID', message);
}

/** toCoreError wraps anything thrown as a `CoreError`, keeping the cause so nothing is lost in logs. */
export function toCoreError(err: unknown): CoreError {
  if (err instanceof CoreError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new CoreError('INTERNAL', message, { cause: err });
}
