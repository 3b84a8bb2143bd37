/**
 * Following a sandbox file through `/files/read` the way Mesos's pailer does: ask with `offset=-1` for the file's
 * length, read the last window (64 KiB), then keep reading from where the last read ended. What was read is kept as
 * chunks of whole lines (so a view appends or grows one small block per read instead of re-laying out all the text)
 * plus the unfinished last line, bounded to about 200 KB by dropping the oldest chunks. Pure: the page does the reading.
 */

/** TAIL_WINDOW is how much of the end of the file the first read fetches: one `/files/read` page (16 × 4 KiB). */
export const TAIL_WINDOW = 64 * 1024;

/** KEEP_CHARS bounds the text a tail keeps. */
export const KEEP_CHARS = 200_000;

/** MAX_PARTIAL is how long an unfinished line may grow before it is shown as a chunk anyway (progress bars). */
const MAX_PARTIAL = 16 * 1024;

/** CHUNK_CHARS is the size up to which new output joins the newest chunk. */
const CHUNK_CHARS = 4096;

/** LogChunk is some whole lines of output; `id` is stable, for list keys. */
export interface LogChunk {
  id: number;
  text: string;
}

/** TailState is what has been read of one file. */
export interface TailState {
  /** offset is the byte offset of the next read. */
  offset: number;
  chunks: readonly LogChunk[];
  /** partial is the last line, not finished yet. */
  partial: string;
  /** chars counts the characters in `chunks`. */
  chars: number;
  /** trimmed says that earlier output exists but is not shown. */
  trimmed: boolean;
  /** skipFirstLine is set until the first chunk of a mid-file start, whose cut-off first line is skipped. */
  skipFirstLine: boolean;
  nextId: number;
}

/** ReadChunk is `/files/read`'s answer. */
export interface ReadChunk {
  data: string;
  offset: number;
}

const encoder = new TextEncoder();

/** byteLength is the UTF-8 length of `s`: `/files/read` offsets count bytes, not characters. */
export function byteLength(s: string): number {
  return encoder.encode(s).length;
}

/** startTail begins a tail of a file of `size` bytes: at most the last `window` bytes, skipping a cut-off first line. */
export function startTail(size: number, window = TAIL_WINDOW): TailState {
  const offset = Math.max(0, size - window);
  return { offset, chunks: [], partial: '', chars: 0, trimmed: offset > 0, skipFirstLine: offset > 0, nextId: 1 };
}

/** tailText is everything a tail holds, as one string. */
export function tailText(state: TailState): string {
  return state.chunks.map((c) => c.text).join('') + state.partial;
}

/**
 * appendChunk adds what a read at `state.offset` returned and moves the offset past it. A chunk for another offset
 * (a stale answer) or an empty one returns `state` itself. Past `keep` characters the oldest chunks are dropped (the
 * last one is cut at a line boundary if it alone is too long).
 */
export function appendChunk(state: TailState, chunk: ReadChunk, keep = KEEP_CHARS): TailState {
  if (chunk.offset !== state.offset || chunk.data === '') return state;
  const offset = state.offset + byteLength(chunk.data);
  let data = chunk.data;
  if (state.skipFirstLine) {
    // Skip the cut-off first line, unless it is so long (or the file has no newlines) that skipping would hide it all.
    const nl = data.indexOf('\n');
    if (nl >= 0 && nl < 4096) data = data.slice(nl + 1);
  }
  const text = state.partial + data;
  const cut = text.length > MAX_PARTIAL ? text.length : text.lastIndexOf('\n') + 1;
  let chunks = state.chunks;
  let chars = state.chars;
  let nextId = state.nextId;
  let trimmed = state.trimmed;
  if (cut > 0) {
    // Small reads join the newest chunk until it is CHUNK_CHARS long, so a trickle of output makes few chunks.
    const last = chunks[chunks.length - 1];
    if (last && last.text.length < CHUNK_CHARS) chunks = [...chunks.slice(0, -1), { id: last.id, text: last.text + text.slice(0, cut) }];
    else chunks = [...chunks, { id: nextId++, text: text.slice(0, cut) }];
    chars += cut;
  }
  while (chars > keep && chunks.length > 1) {
    chars -= (chunks[0] as LogChunk).text.length;
    chunks = chunks.slice(1);
    trimmed = true;
  }
  const only = chunks[0];
  if (chars > keep && only) {
    let from = only.text.length - keep;
    const nl = only.text.indexOf('\n', from);
    if (nl >= 0 && nl < only.text.length - 1 && nl - from < 4096) from = nl + 1;
    chunks = [{ id: only.id, text: only.text.slice(from) }];
    chars = only.text.length - from;
    trimmed = true;
  }
  return { offset, chunks, partial: text.slice(cut), chars, trimmed, skipFirstLine: false, nextId };
}

/** isFullPage says whether a read returned a whole page, so more may be waiting right away. */
export function isFullPage(chunk: ReadChunk, pageSize = TAIL_WINDOW): boolean {
  return byteLength(chunk.data) >= pageSize;
}
