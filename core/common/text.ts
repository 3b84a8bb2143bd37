// Node and every browser provide TextEncoder/TextDecoder globally; core/common compiles without DOM or
// Node typings, so declare the small part it uses.
declare global {
  class TextEncoder {
    encode(input?: string): Uint8Array;
  }
  class TextDecoder {
    constructor(label?: string, options?: { fatal?: boolean });
    decode(input?: Uint8Array, options?: { stream?: boolean }): string;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** utf8Encode turns text into UTF-8 bytes; wire framings count bytes, never characters. */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** utf8Decode turns UTF-8 bytes into text. */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
