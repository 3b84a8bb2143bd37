/**
 * Zod building blocks that read JSON the way Marathon's RAML-generated Play JSON readers do, and report
 * failures with Play's message keys (`error.path.missing`, `error.expected.jsnumber`, `error.min`, ...) at
 * Play's paths (`/container/portMappings(0)/hostPort`), so a structurally wrong body gets Marathon's
 * `{"message":"Invalid JSON","details":[...]}` answer word for word.
 */
import { z } from 'zod';
import type { MarathonErrorDetail } from './errors.js';

type Issue = { input?: unknown };

function missingOr(key: string): (iss: Issue) => string {
  return (iss) => (iss.input === undefined ? 'error.path.missing' : key);
}

/** jsString reads a JSON string (`error.expected.jsstring` otherwise). */
export function jsString(): z.ZodString {
  return z.string({ error: missingOr('error.expected.jsstring') });
}

/** jsNumber reads a JSON number as a double (`error.expected.jsnumber` otherwise). */
export function jsNumber(): z.ZodNumber {
  return z.number({ error: missingOr('error.expected.jsnumber') });
}

/** jsInt reads a JSON number that fits a 32-bit int (`error.expected.int` for other numbers, as Play's IntReads). */
export function jsInt(): z.ZodNumber {
  return z
    .number({ error: missingOr('error.expected.jsnumber') })
    .refine((n) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647, { error: 'error.expected.int' });
}

/** jsLong reads a JSON number that is an integer (`error.expected.long` otherwise). */
export function jsLong(): z.ZodNumber {
  return z.number({ error: missingOr('error.expected.jsnumber') }).refine((n) => Number.isSafeInteger(n), { error: 'error.expected.long' });
}

/** jsBoolean reads a JSON boolean (`error.expected.jsboolean` otherwise). */
export function jsBoolean(): z.ZodBoolean {
  return z.boolean({ error: missingOr('error.expected.jsboolean') });
}

/** jsEnum reads one of `values` (`error.unknown.enum.literal` for other strings, as the generated enum readers). */
export function jsEnum<const T extends readonly [string, ...string[]]>(values: T): z.ZodEnum<{ [K in T[number]]: K }> {
  return z.enum(values, {
    error: (iss) => (iss.input === undefined ? 'error.path.missing' : typeof iss.input === 'string' ? 'error.unknown.enum.literal' : 'error.expected.jsstring'),
  }) as unknown as z.ZodEnum<{ [K in T[number]]: K }>;
}

/** jsArray reads a JSON array of `item` (`error.expected.jsarray` otherwise). */
export function jsArray<T extends z.ZodType>(item: T): z.ZodArray<T> {
  return z.array(item, { error: missingOr('error.expected.jsarray') });
}

/** jsObject reads a JSON object with the given fields, ignoring unknown ones (`error.expected.jsobject` otherwise). */
export function jsObject<S extends z.ZodRawShape>(shape: S): z.ZodObject<S> {
  return z.object(shape, { error: missingOr('error.expected.jsobject') });
}

/** jsMap reads a JSON object whose values all match `value` (labels, env). */
export function jsMap<T extends z.ZodType>(value: T): z.ZodRecord<z.ZodString, T> {
  return z.record(z.string(), value, { error: missingOr('error.expected.jsobject') });
}

/** min adds Play's `Reads.min`. */
export function min(schema: z.ZodNumber, value: number): z.ZodNumber {
  return schema.min(value, { error: 'error.min' });
}

/** max adds Play's `Reads.max`. */
export function max(schema: z.ZodNumber, value: number): z.ZodNumber {
  return schema.max(value, { error: 'error.max' });
}

/** between adds both `Reads.min` and `Reads.max`. */
export function between(schema: z.ZodNumber, low: number, high: number): z.ZodNumber {
  return max(min(schema, low), high);
}

/** pattern adds Play's `Reads.pattern` (the whole string must match). */
export function pattern(schema: z.ZodString, regex: RegExp): z.ZodString {
  return schema.regex(regex, { error: 'error.pattern' });
}

/** minLength adds Play's `Reads.minLength` for strings. */
export function minLength(schema: z.ZodString, n: number): z.ZodString {
  return schema.min(n, { error: 'error.minLength' });
}

/** maxLength adds Play's `Reads.maxLength` for strings. */
export function maxLength(schema: z.ZodString, n: number): z.ZodString {
  return schema.max(n, { error: 'error.maxLength' });
}

/** anyPort reads RAML's `AnyPort`: an int from 0 to 65535. */
export function anyPort(): z.ZodNumber {
  return between(jsInt(), 0, 65535);
}

/**
 * opt makes a field optional as Play's `validateOpt` does: absent and `null` both mean "not given" (nulls are
 * removed from the result by `dropNulls`).
 */
export function opt<T extends z.ZodType>(schema: T): z.ZodOptional<z.ZodNullable<T>> {
  return schema.nullable().optional();
}

/**
 * dropNulls removes object keys whose value is `null`, recursively, so optional fields read as `null` look
 * absent afterwards (Play's `validateOpt` turns `JsNull` into `None`).
 */
export function dropNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => dropNulls(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== null) out[k] = dropNulls(v);
    }
    return out as T;
  }
  return value;
}

/** playPath renders a zod issue path as Play's `JsPath.toString` does: `/a/b(0)/c`, and `/` for the document itself. */
export function playPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `(${key})` : `/${String(key)}`;
  return out === '' ? '/' : out;
}

/**
 * jsonErrorDetails groups zod issues by path as Play's `JsError` does (each path once, its messages distinct),
 * in the order the fields were read.
 */
export function jsonErrorDetails(issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }>, prefix = ''): MarathonErrorDetail[] {
  const byPath = new Map<string, string[]>();
  for (const issue of issues) {
    const path = prefix + (issue.path.length === 0 && prefix !== '' ? '' : playPath(issue.path));
    const list = byPath.get(path) ?? [];
    if (!list.includes(issue.message)) list.push(issue.message);
    byPath.set(path, list);
  }
  return [...byPath].map(([path, errors]) => ({ path, errors }));
}
