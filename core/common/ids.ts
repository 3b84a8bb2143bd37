import type { Rng } from './rng.js';

/** uuidV4 makes a random UUID from `rng`, so ids are reproducible in tests and random in production. */
export function uuidV4(rng: Rng): string {
  const bytes: number[] = [];
  for (let i = 0; i < 16; i++) bytes.push(Math.floor(rng.next() * 256));
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** uuidBase64 makes a random 16-byte id in base64, the wire form of `TaskStatus.uuid`. */
export function uuidBase64(rng: Rng): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const bytes: number[] = [];
  for (let i = 0; i < 16; i++) bytes.push(Math.floor(rng.next() * 256));
  let out = '';
  for (let i = 0; i < 16; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += alphabet[(n >> 18) & 63] as string;
    out += alphabet[(n >> 12) & 63] as string;
    out += i + 1 < 16 ? (alphabet[(n >> 6) & 63] as string) : '=';
    out += i + 2 < 16 ? (alphabet[n & 63] as string) : '=';
  }
  return out;
}
