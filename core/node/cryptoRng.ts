import { randomBytes } from 'node:crypto';
import type { Rng } from '../common/rng.js';

/** CryptoRng draws from the OS's random source, so production ids (masters, offers, stream ids) never collide across restarts. */
export class CryptoRng implements Rng {
  private pool = randomBytes(0);
  private offset = 0;

  next(): number {
    if (this.offset + 4 > this.pool.length) {
      this.pool = randomBytes(4096);
      this.offset = 0;
    }
    const v = this.pool.readUInt32LE(this.offset);
    this.offset += 4;
    return v / 4294967296;
  }
}
