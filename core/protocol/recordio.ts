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
 * buffered until a whole record has arrived.
 */
export class RecordIoDecoder {
  private buffer = new Uint8Array(0);
  private expected: number | null = null;

  /** decode appends `chunk` and returns every record now complete, as text. */
  decode(chunk: Uint8Array): string[] {
    this.append(chunk);
    const records: string[] = [];
    for (;;) {
      if (this.expected === null) {
        const nl = this.buffer.indexOf(10);
        if (nl < 0) {
          if (this.buffer.length > 20) throw new RecordIoError('RecordIO length header is too long');
          break;
        }
        const header = utf8Decode(this.buffer.subarray(0, nl));
        if (!/^\d+$/.test(header)) throw new RecordIoError(`invalid RecordIO length '${header}'`);
        this.expected = Number(header);
        this.buffer = this.buffer.subarray(nl + 1);
      }
      if (this.buffer.length < this.expected) break;
      records.push(utf8Decode(this.buffer.subarray(0, this.expected)));
      this.buffer = this.buffer.subarray(this.expected);
      this.expected = null;
    }
    return records;
  }

  /** pending says whether a partial record is buffered (a stream that ends here was cut short). */
  get pending(): boolean {
    return this.expected !== null || this.buffer.length > 0;
  }

  private append(chunk: Uint8Array): void {
    if (this.buffer.length === 0) {
      this.buffer = chunk.slice();
      return;
    }
    const next = new Uint8Array(this.buffer.length + chunk.length);
    next.set(this.buffer, 0);
    next.set(chunk, this.buffer.length);
    this.buffer = next;
  }
}
