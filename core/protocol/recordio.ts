import { utf8Decode, utf8Encode } from '../common/text.js';

/**
 * encodeRecord frames one record the way Mesos streams do (`docs/recordio.md`): the record's length in
 * bytes, in decimal, a newline, then the bytes, and nothing after them.
 */
export function encodeRecord(record: string): Uint8Array {
  const body = utf8Encode(record);
  const header = utf8Encode(`${body.length}\n`);
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}

/** RecordIoError reports a stream that cannot be RecordIO (a bad length header). */
export class RecordIoError extends Error {
  override name = 'RecordIoError';
}

/**
 * RecordIoDecoder re-frames a RecordIO byte stream; chunk boundaries carry no meaning, so bytes are
 * buffered until a whole record has arrived. The chunks of a record still arriving are only kept, and
 * joined once it is complete: a record of megabytes (a master's offers to a large cluster) arrives in
 * dozens of chunks, and joining on every chunk would copy it over and over.
 */
export class RecordIoDecoder {
  private chunks: Uint8Array[] = [];
  private length = 0;
  private expected: number | null = null;

  /** decode appends `chunk` and returns every record now complete, as text. */
  decode(chunk: Uint8Array): string[] {
    const records: string[] = [];
    if (chunk.length === 0) return records;
    // The rest of a record's body has not arrived yet: nothing to do until it has (bytes kept are copies, as
    // the caller may reuse its chunk).
    if (this.expected !== null && this.length + chunk.length < this.expected) {
      this.chunks.push(chunk.slice());
      this.length += chunk.length;
      return records;
    }
    this.chunks.push(chunk);
    this.length += chunk.length;
    let buffer = this.join();
    for (;;) {
      if (this.expected === null) {
        const nl = buffer.indexOf(10);
        if (nl < 0) {
          if (buffer.length > 20) throw new RecordIoError('RecordIO length header is too long');
          break;
        }
        const header = utf8Decode(buffer.subarray(0, nl));
        if (!/^\d+$/.test(header)) throw new RecordIoError(`invalid RecordIO length '${header}'`);
        this.expected = Number(header);
        buffer = buffer.subarray(nl + 1);
      }
      if (buffer.length < this.expected) break;
      records.push(utf8Decode(buffer.subarray(0, this.expected)));
      buffer = buffer.subarray(this.expected);
      this.expected = null;
    }
    if (buffer.length > 0) {
      this.chunks.push(buffer.slice());
      this.length = buffer.length;
    }
    return records;
  }

  /** pending says whether a partial record is buffered (a stream that ends here was cut short). */
  get pending(): boolean {
    return this.expected !== null || this.length > 0;
  }

  /** join takes every buffered chunk out as one array (copying only when there are several). */
  private join(): Uint8Array {
    const chunks = this.chunks;
    const length = this.length;
    this.chunks = [];
    this.length = 0;
    if (chunks.length === 1) return chunks[0] as Uint8Array;
    const out = new Uint8Array(length);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
