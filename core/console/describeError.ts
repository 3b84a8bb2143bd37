/**
 * describe renders a fetch failure the way an operator wants to read it: the underlying cause (ECONNREFUSED,
 * ENOTFOUND, a certificate problem) rather than undici's generic "fetch failed".
 */
export function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError') return 'timed out';
  let cause = (err as { cause?: unknown }).cause;
  if (cause instanceof AggregateError && cause.errors.length > 0) cause = cause.errors[0];
  if (cause instanceof Error) {
    const code = (cause as { code?: string }).code;
    if (code) return `${code}${cause.message && !cause.message.includes(code) ? ` (${cause.message})` : ''}`;
    if (cause.message) return cause.message;
  }
  return err.message;
}
