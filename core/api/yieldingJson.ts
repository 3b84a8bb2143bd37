import { setImmediate as nextTurn } from 'node:timers/promises';

/** SLICE_MS is how long `printJsonYielding` works before it lets the event loop run other callbacks. */
const SLICE_MS = 2;
/** LONG_ARRAY is the length from which an array is printed element by element, with yields between slices. */
const LONG_ARRAY = 64;
/** CHUNK_CHARS is about how much text goes into each chunk of the result. */
const CHUNK_CHARS = 64 * 1024;

/** Printer collects printed text into UTF-8 chunks and keeps time for the slices. */
class Printer {
  readonly chunks: Buffer[] = [];
  private parts: string[] = [];
  private chars = 0;
  private deadline = performance.now() + SLICE_MS;

  push(text: string): void {
    this.parts.push(text);
    this.chars += text.length;
  }

  /** mark and rewind take a property back when its value turns out to print nothing (only its key was pushed since). */
  mark(): { parts: number; chars: number } {
    return { parts: this.parts.length, chars: this.chars };
  }

  rewind(m: { parts: number; chars: number }): void {
    this.parts.length = m.parts;
    this.chars = m.chars;
  }

  flush(): void {
    if (this.parts.length === 0) return;
    this.chunks.push(Buffer.from(this.parts.join('')));
    this.parts = [];
    this.chars = 0;
  }

  /** pause closes a chunk once it is big enough, and lets the event loop turn once the slice is used up; only long arrays call it, between elements. */
  async pause(): Promise<void> {
    if (this.chars >= CHUNK_CHARS) this.flush();
    if (performance.now() < this.deadline) return;
    await nextTurn();
    this.deadline = performance.now() + SLICE_MS;
  }
}

/**
 * printJsonYielding prints the JSON data `value` (an object or an array) as the UTF-8 bytes of
 * `JSON.stringify(value)`, in chunks, working in slices of about SLICE_MS with a turn of the event loop
 * between them. A large answer (an app with tens of thousands of tasks is megabytes of JSON) printed in
 * one go holds the event loop for tens of milliseconds, and every other request, small ones included,
 * waits behind it; printed this way they are answered in between. Objects are walked key by key and long
 * arrays element by element; everything else is printed whole by JSON.stringify.
 */
export async function printJsonYielding(value: object): Promise<Buffer[]> {
  const printer = new Printer();
  await print('', value, printer);
  printer.flush();
  return printer.chunks;
}

/** print appends the property `key` whose value is `raw`; it appends nothing and returns false where JSON.stringify leaves the property out. */
async function print(key: string, raw: unknown, out: Printer): Promise<boolean> {
  let value = raw;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') value = (value as { toJSON(key: string): unknown }).toJSON(key);
  if (value === null || typeof value !== 'object' || value instanceof Number || value instanceof String || value instanceof Boolean) {
    const leaf = JSON.stringify(value) as string | undefined;
    if (leaf === undefined) return false;
    out.push(leaf);
    return true;
  }
  if (Array.isArray(value)) {
    if (value.length < LONG_ARRAY) {
      out.push(JSON.stringify(value));
      return true;
    }
    out.push('[');
    for (let k = 0; k < value.length; k++) {
      if (k > 0) out.push(',');
      // An element JSON.stringify cannot print (undefined, a function) is `null` in an array.
      out.push((JSON.stringify(value[k]) as string | undefined) ?? 'null');
      if ((k & 63) === 63) await out.pause();
    }
    out.push(']');
    return true;
  }
  out.push('{');
  let first = true;
  for (const k of Object.keys(value)) {
    const mark = out.mark();
    out.push(first ? `${JSON.stringify(k)}:` : `,${JSON.stringify(k)}:`);
    if (await print(k, (value as Record<string, unknown>)[k], out)) first = false;
    else out.rewind(mark);
  }
  out.push('}');
  return true;
}
