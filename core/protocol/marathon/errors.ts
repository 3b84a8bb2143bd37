/**
 * Marathon's error bodies (`MarathonExceptionMapper`, `Validation.failureWrites`) and a small collector of
 * validation violations that renders paths as Marathon's validator (wix accord) does: `/id`,
 * `/container/portMappings(0)`, and `/` for rules about the whole object.
 */

/** MarathonErrorDetail is one entry of `details`: a path and the messages for it. */
export interface MarathonErrorDetail {
  path: string;
  errors: string[];
}

/**
 * MarathonErrorBody is the JSON Marathon answers a rejected request with: `{"message": ...}` alone (404, 409,
 * 500), or with `details` for 422 (`"Object is not valid"` from validation, `"Invalid JSON"` from reading).
 */
export interface MarathonErrorBody {
  message: string;
  details?: MarathonErrorDetail[];
  deployments?: Array<{ id: string }>;
}

/** Rejection is a failed normalisation: the HTTP status Marathon uses and the body it sends. */
export interface Rejection {
  status: 400 | 404 | 409 | 422 | 500 | 503;
  body: MarathonErrorBody;
}

/** Normalized is the result of a normalisation step: the value, or Marathon's rejection. */
export type Normalized<T> = { ok: true; value: T } | { ok: false; rejection: Rejection };

/** OBJECT_NOT_VALID is the message of every validation failure (HTTP 422). */
export const OBJECT_NOT_VALID = 'Object is not valid';

/** INVALID_JSON is the message when the body could not be read into the expected shape (HTTP 422 or 400). */
export const INVALID_JSON = 'Invalid JSON';

/**
 * Violations collects validation failures under accord-style paths, keeping the order they were found in and
 * each path once, so the 422 body lists them the way Marathon does.
 */
export class Violations {
  private readonly byPath = new Map<string, string[]>();

  /** add records `message` at `path` (`/` for the whole object); a repeated message is kept once. */
  add(path: string, message: string): void {
    const key = path === '' ? '/' : path;
    const list = this.byPath.get(key) ?? [];
    if (!list.includes(message)) list.push(message);
    this.byPath.set(key, list);
  }

  /** check records `message` at `path` unless `ok` holds; it returns `ok` so callers can chain. */
  check(ok: boolean, path: string, message: string): boolean {
    if (!ok) this.add(path, message);
    return ok;
  }

  /** merge adds another collector's violations below `prefix` (`/healthChecks(0)` and the like). */
  merge(other: Violations, prefix = ''): void {
    for (const [path, messages] of other.byPath) {
      for (const m of messages) this.add(prefix === '' ? path : path === '/' ? prefix : prefix + path, m);
    }
  }

  /** isEmpty says whether nothing failed. */
  isEmpty(): boolean {
    return this.byPath.size === 0;
  }

  /** details lists the violations as Marathon's `details` array. */
  details(): MarathonErrorDetail[] {
    return [...this.byPath].map(([path, errors]) => ({ path, errors: [...errors] }));
  }

  /** rejection is the 422 answer for these violations. */
  rejection(): Rejection {
    return { status: 422, body: { message: OBJECT_NOT_VALID, details: this.details() } };
  }
}

/** invalidJson is the 422 answer for a body whose fields have the wrong JSON types or ranges. */
export function invalidJson(details: MarathonErrorDetail[]): Rejection {
  return { status: 422, body: { message: INVALID_JSON, details } };
}

/**
 * serverError is the answer Marathon gives when normalisation throws (its `NormalizationException` and
 * `SerializationFailedException` are not mapped, so they become 500 with the exception's message).
 */
export function serverError(message: string): Rejection {
  return { status: 500, body: { message } };
}

/** appNotFound is the 404 answer for an unknown app (`AppNotFoundException`). */
export function appNotFound(appId: string): Rejection {
  return { status: 404, body: { message: `App '${appId}' does not exist` } };
}

/** scalaDouble prints a number as Scala prints a Double in accord messages (`1.0`, `-3.0`, `1.2`). */
export function scalaDouble(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1e7 ? `${n}.0` : String(n);
}
